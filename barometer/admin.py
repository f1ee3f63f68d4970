from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from barometer.models import Indicator, ReferenceFigure, StaffMembership


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(SimpleHistoryAdmin):
    list_display = ["key", "edition", "statement_nb", "wording_nb", "range_low", "range_high", "population"]
    list_filter = ["edition", "country", "population", "bound"]
    search_fields = ["key", "statement_nb", "statement_nn", "statement_en", "source_title"]
    # Derived from the bokmål wording on every save (see barometer.engine.published).
    readonly_fields = ["range_low", "range_high"]
    fieldsets = [
        (None, {"fields": ["key", "edition", "country", "population", "workplace_types"]}),
        (
            _("Value"),
            {"fields": ["value", "bound", "wording_nb", "wording_nn", "wording_en", "range_low", "range_high"]},
        ),
        (_("Statement"), {"fields": ["statement_nb", "statement_nn", "statement_en"]}),
        (_("Source"), {"fields": ["source_title", "source_url", "note_nb", "note_nn", "note_en"]}),
    ]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name_nb", "rule", "population", "position", "active", "headline"]
    list_filter = ["rule", "population", "active"]
    list_editable = ["position", "active", "headline"]
    search_fields = ["key", "name_nb", "name_nn", "name_en"]
    filter_horizontal = ["reference_figures"]
    fieldsets = [
        (None, {"fields": ["key", "position", "active", "headline", "rule", "population"]}),
        (_("Rule"), {"fields": ["question_codes", "option_codes", "min_count", "higher_is_favourable"]}),
        (
            "Texts",
            {
                "fields": [
                    "name_nb",
                    "name_nn",
                    "name_en",
                    "own_yes_nb",
                    "own_yes_nn",
                    "own_yes_en",
                    "own_no_nb",
                    "own_no_nn",
                    "own_no_en",
                    "suggestion_nb",
                    "suggestion_nn",
                    "suggestion_en",
                ]
            },
        ),
        (_("Comparison"), {"fields": ["reference_figures"]}),
    ]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality"]
    search_fields = ["user__username", "municipality__name"]
    autocomplete_fields = ["municipality"]
    list_select_related = ["user", "municipality"]
