"""The satisfaction index (IKM, Permenpan RB 14/2017; PRODUCT.md §3 "Satisfaction").

IKM = (mean of each rated element's mean, 1-4) × 25, rounded half-up to two decimals; category
A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99. Every expected figure below was worked
out by hand; the datasets are small except where a boundary needs a long fraction.
"""

from decimal import Decimal

import pytest

from complaints.models import Complaint, Rating
from complaints.stats import Ikm, ikm_by, ikm_category, ikm_from_element_means, ikm_overall
from routing.models import Opd, Service

pytestmark = pytest.mark.usefixtures("directory")


# --- The formula and the categories, without the database -----------------------------------------


@pytest.mark.parametrize(
    "value, category",
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_category_boundaries(value, category):
    assert ikm_category(Decimal(value)) == category


@pytest.mark.parametrize(
    "means, value, category",
    [
        ([4, 4, 3, 2], "81.25", "B"),  # 13 / 4 = 3.25 -> 81.25
        ([4, 4, 4, 4], "100.00", "A"),
        ([1, 1, 1, 1], "25.00", "D"),
        ([3.5324], "88.31", "A"),
        ([3.532], "88.30", "B"),
        ([3.0644], "76.61", "B"),
        ([3.064], "76.60", "C"),
        ([2.6], "65.00", "C"),
        ([2.5996], "64.99", "D"),
        ([2.5, 4, 3, 3], "78.13", "B"),  # 3.125 × 25 = 78.125: half-up -> 78.13
    ],
)
def test_ikm_from_element_means(means, value, category):
    assert ikm_from_element_means(means, responses=1) == Ikm(Decimal(value), category, 1)


def test_no_means_no_ikm():
    assert ikm_from_element_means([], responses=0) is None


# --- From ratings in the database -----------------------------------------------------------------

_counter = iter(range(1_000_000))


def complaints(count: int, opd: str | None = None, service: str | None = None) -> list[Complaint]:
    """``count`` bare closed complaints (IKM reads only ratings; nothing else matters here)."""
    office = Opd.objects.get(code=opd) if opd else None
    chosen = Service.objects.get(code=service) if service else None
    rows = []
    for _ in range(count):
        number = next(_counter)
        rows.append(
            Complaint(
                reference=f"BKL-26-T{number:05d}",
                receipt_hash=f"{number:064x}",
                category="other",
                description="Uji IKM",
                status="closed",
                opd=office,
                service=chosen,
            )
        )
    return Complaint.objects.bulk_create(rows)


def rate(complaint: Complaint, **values: int) -> None:
    Rating.objects.bulk_create(
        Rating(complaint=complaint, opd=complaint.opd, service=complaint.service, element=element,
               value=value)
        for element, value in values.items()
    )


def test_one_complaint_rated_4_4_3_2_is_81_25_b():
    [complaint] = complaints(1, "DISHUB", "PARKIR-MOTOR")
    rate(complaint, waktu=4, biaya=4, perilaku=3, penanganan=2)

    assert ikm_overall(Rating.objects.all()) == Ikm(Decimal("81.25"), "B", 1)


@pytest.fixture
def league(directory):
    """Four rated complaints of two OPDs and three services, and an OPD with none.

    Dinas Perhubungan
      motor parking: waktu 4, biaya 4, perilaku 3, penanganan 2
      car parking:   waktu 1, biaya 4, perilaku 3, penanganan 4
    Dukcapil (KTP-el)
      first:         waktu 1, penanganan 2
      second:        waktu 4
    """
    [motor] = complaints(1, "DISHUB", "PARKIR-MOTOR")
    [car] = complaints(1, "DISHUB", "PARKIR-MOBIL")
    first, second = complaints(2, "DUKCAPIL", "KTP-EL")
    complaints(1, "DLH")  # closed, never rated
    rate(motor, waktu=4, biaya=4, perilaku=3, penanganan=2)
    rate(car, waktu=1, biaya=4, perilaku=3, penanganan=4)
    rate(first, waktu=1, penanganan=2)
    rate(second, waktu=4)


def pk(model, code: str) -> int:
    return model.objects.get(code=code).pk


@pytest.mark.usefixtures("league")
def test_ikm_per_opd():
    # Dishub: waktu (4+1)/2 = 2.5, biaya 4, perilaku 3, penanganan (2+4)/2 = 3
    #         -> 12.5 / 4 = 3.125 -> 78.125 -> 78.13 (B), 2 complaints
    # Dukcapil: waktu (1+4)/2 = 2.5, penanganan 2 -> 4.5 / 2 = 2.25 -> 56.25 (D), 2 complaints
    #         (the mean of its three ratings, 7/3, would give 58.33: elements count equally)
    # DLH: no rating, no entry.
    assert ikm_by(Rating.objects.all(), "opd") == {
        pk(Opd, "DISHUB"): Ikm(Decimal("78.13"), "B", 2),
        pk(Opd, "DUKCAPIL"): Ikm(Decimal("56.25"), "D", 2),
    }


@pytest.mark.usefixtures("league")
def test_ikm_per_service():
    # motor: 13/4 = 3.25 -> 81.25 B; car: 12/4 = 3 -> 75.00 C; KTP-el as Dukcapil above.
    assert ikm_by(Rating.objects.all(), "service") == {
        pk(Service, "PARKIR-MOTOR"): Ikm(Decimal("81.25"), "B", 1),
        pk(Service, "PARKIR-MOBIL"): Ikm(Decimal("75.00"), "C", 1),
        pk(Service, "KTP-EL"): Ikm(Decimal("56.25"), "D", 2),
    }


@pytest.mark.usefixtures("league")
def test_ikm_overall():
    # waktu (4+1+1+4)/4 = 2.5, biaya (4+4)/2 = 4, perilaku (3+3)/2 = 3, penanganan (2+4+2)/3 = 8/3
    # -> (2.5 + 4 + 3 + 2.6667) / 4 = 3.041667 -> 76.0417 -> 76.04 (C), 4 complaints
    assert ikm_overall(Rating.objects.all()) == Ikm(Decimal("76.04"), "C", 4)


@pytest.mark.usefixtures("league")
def test_a_filtered_queryset_is_rated_on_its_own():
    dukcapil = Rating.objects.filter(opd__code="DUKCAPIL")
    assert ikm_overall(dukcapil) == Ikm(Decimal("56.25"), "D", 2)
    assert ikm_by(Rating.objects.filter(opd__code="DLH"), "opd") == {}


def test_no_ratings_no_entry():
    complaints(3, "DISHUB", "PARKIR-MOTOR")

    assert ikm_by(Rating.objects.all(), "opd") == {}
    assert ikm_by(Rating.objects.all(), "service") == {}
    assert ikm_overall(Rating.objects.all()) is None


@pytest.mark.parametrize(
    "count, total, value, category",
    [
        (62, 219, "88.31", "A"),  # 219/62 = 3.532258 -> 88.3065 -> 88.31
        (47, 166, "88.30", "B"),  # 166/47 = 3.531915 -> 88.2979 -> 88.30
        (31, 95, "76.61", "B"),  # 95/31 = 3.064516 -> 76.6129 -> 76.61
        (47, 144, "76.60", "C"),  # 144/47 = 3.063830 -> 76.5957 -> 76.60
        (5, 13, "65.00", "C"),  # 13/5 = 2.6 -> 65.00
        (337, 876, "64.99", "D"),  # 876/337 = 2.599407 -> 64.9852 -> 64.99
    ],
)
def test_category_boundaries_reached_from_ratings(count, total, value, category):
    """``count`` complaints rate one element so that the ratings add up to ``total``."""
    base, extra = divmod(total, count)  # ``extra`` complaints give base + 1, the others base
    rated = complaints(count, "DISHUB", "PARKIR-MOTOR")
    Rating.objects.bulk_create(
        Rating(complaint=complaint, opd=complaint.opd, service=complaint.service, element="waktu",
               value=base + (1 if index < extra else 0))
        for index, complaint in enumerate(rated)
    )
    assert sum(Rating.objects.values_list("value", flat=True)) == total

    assert ikm_overall(Rating.objects.all()) == Ikm(Decimal(value), category, count)
    expected = Ikm(Decimal(value), category, count)
    assert ikm_by(Rating.objects.all(), "opd") == {pk(Opd, "DISHUB"): expected}
