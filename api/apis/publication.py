"""``POST staff/complaints/<reference>/public-summary/`` ``{"text"}``: approve the summary the
Open311 feed publishes (``complaints.services.publication``); empty withdraws it.

Out of the user's scope: 404. In scope but not allowed (``complaints.access.may_publish_summary``:
the office the complaint is about, or anyone but oversight for pungli): 403.
"""

from api.apis.staff import ACTION_ERRORS, Detail, _StaffActionApi
from api.schema import documented
from complaints.services.publication import complaint_summary_publish
from complaints.staff_inputs import PublishedSummaryInput


class StaffSummaryPublishApi(_StaffActionApi):
    input_class = PublishedSummaryInput
    action_name = "publish_summary"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, text):
        complaint_summary_publish(user=user, complaint=complaint, text=text)
