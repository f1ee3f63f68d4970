import pytest

from barometer.reference_data import load_indicators, load_reference_figures


@pytest.fixture
def barometer_data(db):
    load_reference_figures()
    load_indicators()
