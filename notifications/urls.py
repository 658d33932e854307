"""The staff page where each person chooses how often they are e-mailed."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [path("", views.preferences, name="preferences")]
