"""Forms for workshops, highlights, themes and findings."""

from django import forms
from django.core.exceptions import ValidationError

from corpro.forms import DateField, PlainErrorsMixin
from sensemaking import reports
from sensemaking.anonymity import USE_ANYWAY
from sensemaking.logos import LOGO_FORMATS_TEXT, LOGO_MAX_BYTES, check_logo
from sensemaking.models import ReportVersion, Theme, Workshop
from sensemaking.qdpx_import import MAX_QDPX_BYTES
from sensemaking.refiqda import MAX_CODEBOOK_BYTES
from sensemaking.services import PartnerEdit
from stories.forms import PlainTextMixin, plain_text
from stories.models import REDACTED, person_name
from stories.text import normalise_name, normalise_names

THEME_NAME_LIMIT = Theme._meta.get_field("name").max_length


class WorkshopForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "held_on", "status", "stories", "participants"]
        field_classes = {"held_on": DateField}
        widgets = {
            "stories": forms.CheckboxSelectMultiple,
            "participants": forms.CheckboxSelectMultiple,
        }
        labels = {
            "held_on": "Date of the workshop",
            "stories": "Stories to listen to",
            "participants": "Project members taking part",
        }
        help_texts = {
            "stories": "Only stories whose storytellers agreed to sense-making are listed.",
        }

    def __init__(self, *args, stories, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stories"].queryset = stories
        self.fields["participants"].queryset = members
        self.fields["participants"].label_from_instance = person_name


class GuestForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    display_name = forms.CharField(
        label="Name to show",
        max_length=80,
        help_text="A first name or a nickname is enough.",
        error_messages={"required": "Enter a name to show for the person you are inviting."},
    )


class HighlightForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    """The highlighter's form; the page without JavaScript fills in words and a paragraph."""

    # The largest offset PostgreSQL's SUBSTR takes; no transcript comes near it.
    char_start = forms.IntegerField(
        min_value=0, max_value=2**31 - 2, required=False, widget=forms.HiddenInput
    )
    char_end = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput
    )
    words = forms.CharField(
        label="Words to quote",
        max_length=5000,
        required=False,
        help_text="Copy the exact words from the transcript.",
    )
    paragraph = forms.IntegerField(
        label="From paragraph number",
        min_value=1,
        required=False,
        error_messages={
            "min_value": "Paragraphs are numbered from 1.",
            "invalid": "Enter the paragraph’s number, such as 3.",
        },
    )
    themes = forms.CharField(
        label="Themes",
        max_length=1000,
        required=False,
        help_text="Separate themes with commas. Choose existing ones or write new ones.",
        widget=forms.TextInput(attrs={"list": "theme-names", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed on the page without JavaScript; the script sends the selection's offsets.
        self.fields["words"].conditional = True
        self.fields["paragraph"].conditional = True
        # Shown instead of the help text in easy read.
        self.fields["words"].easy_help = "Copy the words."
        self.fields["themes"].easy_help = "Put a comma between themes."

    def clean(self):
        data = super().clean()
        if data.get("char_start") is not None and data.get("char_end") is not None:
            return data
        if "words" in data and not data["words"].strip():
            self.add_error("words", "Copy the words to quote from the transcript.")
        if "paragraph" in data and data["paragraph"] is None:
            self.add_error("paragraph", "Enter the number of the paragraph the words are in.")
        if REDACTED in (data.get("words") or ""):
            self.add_error(
                "words",
                "Redacted words cannot be quoted. Choose words before or after “[redacted]”.",
            )
        return data

    def clean_themes(self) -> str:
        themes = self.cleaned_data["themes"]
        for name in themes.split(","):
            if len(normalise_name(name)) > THEME_NAME_LIMIT:
                raise ValidationError(
                    f"A theme’s name can be at most {THEME_NAME_LIMIT} characters; "
                    f"shorten “{name.strip()[:40]}…”, or describe it on the board."
                )
        return themes

    def theme_names(self) -> list[str]:
        return normalise_names(self.cleaned_data.get("themes", "").split(","))


class QuoteEditForm(HighlightForm):
    """Change a quote: its themes and note, and new words only if they are given."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["words"].label = "New words"
        self.fields["words"].help_text = (
            "Leave empty to keep the words. To change them, copy the new words from the "
            "transcript and give their paragraph number."
        )
        self.fields["words"].conditional = False
        self.fields["paragraph"].conditional = False

    def clean(self):
        # Not HighlightForm.clean: here words and a paragraph are needed only together.
        data = super(HighlightForm, self).clean()
        if data.get("char_start") is not None and data.get("char_end") is not None:
            return data
        words = (data.get("words") or "").strip()
        if REDACTED in words:
            self.add_error(
                "words",
                "Redacted words cannot be quoted. Choose words before or after “[redacted]”.",
            )
        elif words and "paragraph" in data and data["paragraph"] is None:
            self.add_error("paragraph", "Enter the number of the paragraph the new words are in.")
        elif not words and data.get("paragraph") is not None:
            self.add_error("words", "Copy the new words from that paragraph, or leave both empty.")
        return data


class ThemeForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Theme
        fields = ["name", "description", "colour", "parent"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Theme.objects.filter(
            project=self.instance.project
        ).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = "None: this is a main theme"

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data["name"])

    def validate_unique(self):
        """Uniqueness is checked by the service, which reports the clash by name."""


class MergeForm(PlainErrorsMixin, forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=Theme.objects.none(),
        empty_label="Choose a theme",
        error_messages={"required": "Choose the theme to merge into"},
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.filter(project=theme.project).exclude(
            pk=theme.pk
        )


class SplitForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    """The new theme's name; the quotes that move to it are ticked beside it."""

    new_name = forms.CharField(
        label="Name of the new theme",
        max_length=THEME_NAME_LIMIT,
        error_messages={
            "required": "Name the new theme and choose the quotes that move to it.",
            "max_length": f"A theme’s name can be at most {THEME_NAME_LIMIT} characters.",
        },
    )

    def clean_new_name(self) -> str:
        return normalise_name(self.cleaned_data["new_name"])


class MoveQuoteForm(PlainErrorsMixin, forms.Form):
    """Where a quote goes from one of its themes: to another theme, moved or copied."""

    from_theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Say which theme the quote is moved from.",
            "invalid_choice": "The quote is no longer under that theme: someone may have "
            "just moved it.",
        },
    )
    theme = forms.ModelChoiceField(
        label="Theme to move or copy it to",
        queryset=Theme.objects.none(),
        empty_label="Choose a theme",
        error_messages={
            "required": "Choose the theme to move or copy the quote to.",
            "invalid_choice": "Choose one of this project’s themes.",
        },
    )
    action = forms.ChoiceField(
        label="Move or copy",
        choices=[
            ("move", "Move it (it leaves this theme)"),
            ("copy", "Copy it (it stays under this theme too)"),
        ],
        initial="move",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to move or copy the quote."},
    )

    def __init__(self, *args, quote, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_theme"].queryset = Theme.objects.filter(quote_links__content_object=quote)
        self.fields["theme"].queryset = themes


class FindingForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    statement = forms.CharField(
        label="Finding",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Write the finding first."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


VALUE_COLUMNS = 4
NEW_PARTNERS = 2  # empty partner rows on the form; save to get more
LOGO_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


class ReportForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    """A report draft's words, its workshops, and up to four "value for all" columns."""

    based_on = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = ReportVersion
        fields = [
            "title",
            "report_date",
            "workshops",
            "purpose",
            "method",
            "challenges",
            "acknowledgements",
            "co_authors",
            "co_authorship",
            "who_shared_words",
            "change_note",
        ]
        field_classes = {"report_date": DateField}
        widgets = {
            "workshops": forms.CheckboxSelectMultiple,
            "co_authorship": forms.Textarea(attrs={"rows": 3}),
            "who_shared_words": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # The suggestions are offered as the words to start from; saved unchanged, they are
        # stored as blank, so they keep following the figures.
        self.suggested = reports.suggestions(self.instance)
        for name, suggestion in self.suggested.items():
            if not getattr(self.instance, name).strip():
                self.initial[name] = suggestion
        self.partners = list(self.instance.partners.all()) if self.instance.pk else []
        for number, partner in enumerate(self.partners, start=1):
            self._partner_fields(f"partner_{number}", f"Partner {number}", partner.name)
            if partner.logo:
                self.fields[f"partner_{number}_remove_logo"] = forms.BooleanField(
                    label=f"Take off partner {number}’s logo", required=False
                )
            self.fields[f"partner_{number}_remove"] = forms.BooleanField(
                label=f"Take partner {number} off the report", required=False
            )
        for number in range(1, NEW_PARTNERS + 1):
            self._partner_fields(f"new_partner_{number}", f"New partner {number}", "")
        self.fields["workshops"].queryset = project.workshops.order_by("-held_on", "title")
        self.fields["workshops"].required = True
        self.fields["workshops"].error_messages["required"] = (
            "Choose at least one workshop whose findings the report presents."
        )
        columns = (self.instance.value_table or {}).get("columns", [])
        for number in range(1, VALUE_COLUMNS + 1):
            column = columns[number - 1] if number <= len(columns) else {}
            self.fields[f"value_heading_{number}"] = forms.CharField(
                label=f"Column {number}: heading",
                max_length=100,
                required=False,
                initial=column.get("heading", ""),
            )
            self.fields[f"value_items_{number}"] = forms.CharField(
                label=f"Column {number}: impacts",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="One impact per line.",
                initial="\n".join(column.get("items", [])),
            )
            plain_text(self.fields[f"value_heading_{number}"])
            plain_text(self.fields[f"value_items_{number}"])

    def _partner_fields(self, prefix: str, label: str, name: str) -> None:
        self.fields[f"{prefix}_name"] = forms.CharField(
            label=f"{label}: name", max_length=200, required=False, initial=name
        )
        plain_text(self.fields[f"{prefix}_name"])
        self.fields[f"{prefix}_logo"] = forms.FileField(
            label=f"{label}: {'a new logo' if name else 'logo'}",
            required=False,
            help_text=f"{LOGO_FORMATS_TEXT}, at most {LOGO_MAX_BYTES // 1024**2} MB.",
            widget=forms.ClearableFileInput(attrs={"accept": LOGO_ACCEPT}),
        )

    def partner_fields(self):
        """Yield each partner's fields, existing partners first, for the template."""
        for number, partner in enumerate(self.partners, start=1):
            prefix = f"partner_{number}"
            extra = ["remove_logo"] if partner.logo else []
            yield (
                partner,
                [self[f"{prefix}_{name}"] for name in ("name", "logo", *extra, "remove")],
            )
        for number in range(1, NEW_PARTNERS + 1):
            yield None, [self[f"new_partner_{number}_{name}"] for name in ("name", "logo")]

    def _clean_partners(self, data: dict) -> list[PartnerEdit]:
        rows = [(f"partner_{n}", partner) for n, partner in enumerate(self.partners, start=1)]
        rows += [(f"new_partner_{n}", None) for n in range(1, NEW_PARTNERS + 1)]
        edits = []
        for prefix, partner in rows:
            name = (data.get(f"{prefix}_name") or "").strip()
            upload = data.get(f"{prefix}_logo")
            if partner is not None and data.get(f"{prefix}_remove"):
                continue
            if not name:
                if upload or partner is not None:
                    self.add_error(f"{prefix}_name", "Enter the partner’s name.")
                continue
            logo = None
            if upload:
                try:
                    logo = check_logo(upload)
                except ValidationError as error:
                    self.add_error(f"{prefix}_logo", error)
            edits.append(
                PartnerEdit(
                    name=name,
                    current=partner,
                    logo=logo,
                    remove_logo=bool(data.get(f"{prefix}_remove_logo")),
                )
            )
        return edits

    def value_fields(self):
        """Yield (heading field, impacts field) for each column, for the template."""
        for number in range(1, VALUE_COLUMNS + 1):
            yield self[f"value_heading_{number}"], self[f"value_items_{number}"]

    def clean(self):
        data = super().clean()
        columns = []
        for number in range(1, VALUE_COLUMNS + 1):
            heading = data.get(f"value_heading_{number}", "").strip()
            items = [line.strip() for line in data.get(f"value_items_{number}", "").splitlines()]
            items = [item for item in items if item]
            if items and not heading:
                self.add_error(f"value_heading_{number}", "Give this column a heading.")
            if heading:
                columns.append({"heading": heading, "items": items})
        data["value_table"] = {"columns": columns}
        for name, suggestion in self.suggested.items():
            if " ".join((data.get(name) or "").split()) == " ".join(suggestion.split()):
                data[name] = ""
        data["partners"] = self._clean_partners(data)
        return data

    def report_fields(self) -> dict:
        """Return the cleaned values the edit_report service takes."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name != "workshops"}
        fields["value_table"] = data["value_table"]
        fields["partners"] = data["partners"]
        return fields


class NewReportForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    title = forms.CharField(label="Title of the report", max_length=200)


class PublishForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    change_note = forms.CharField(label="What changed in this version?", required=False)


class CodebookImportForm(PlainErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Codebook file (.qdc or .csv)",
        help_text="A REFI-QDA codebook exported from NVivo, ATLAS.ti, MAXQDA, QualCoder or "
        "corpro, or a CSV file with the columns name, description, colour and parent.",
    )

    def clean_file(self):
        """Refuse a file too big to be a codebook before anything reads it."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CODEBOOK_BYTES:
            raise ValidationError(
                f"A codebook is at most {MAX_CODEBOOK_BYTES // 1024**2} MB; this file is "
                f"{upload.size / 1024**2:.0f} MB. Choose the codebook file (.qdc or .csv)."
            )
        return upload


class QuotesDownloadForm(PlainErrorsMixin, forms.Form):
    theme = forms.ModelChoiceField(
        label="Which theme",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="All themes",
        help_text="A theme comes with its sub-themes.",
        error_messages={"invalid_choice": "Choose a theme from the list, or all themes."},
    )
    format = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        choices=[
            ("csv", "CSV, for any spreadsheet"),
            ("xlsx", "Excel"),
            ("html", "Web page, quotes by theme"),
            ("docx", "Word document, quotes by theme"),
        ],
        error_messages={
            "required": "Choose a format: CSV, Excel, web page or Word.",
            "invalid_choice": "Choose a format: CSV, Excel, web page or Word.",
        },
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(project=project)


class ProjectImportForm(PlainErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Project file (.qdpx)",
        help_text="A REFI-QDA project exported from QualCoder, NVivo, ATLAS.ti, MAXQDA or corpro.",
        error_messages={"required": "Choose the project file (.qdpx) to check."},
    )

    def clean_file(self):
        """Refuse a file larger than any project we import before it is stored."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_QDPX_BYTES:
            raise ValidationError(
                f"A project file is at most {MAX_QDPX_BYTES // 1024**3} GB; this file is "
                f"{upload.size / 1024**3:.1f} GB."
            )
        return upload


SEARCH_LIMIT = 200


class WorkshopSearchForm(PlainErrorsMixin, forms.Form):
    """The words to look for among a workshop's quotes and transcripts (any text: shown as text)."""

    q = forms.CharField(
        label="Search this workshop",
        max_length=SEARCH_LIMIT,
        help_text='Words in quotes, notes and transcripts. Put a phrase in "double quotes".',
        error_messages={
            "required": "Enter the words to search for.",
            "max_length": (
                f"Search for {SEARCH_LIMIT} characters or fewer: you entered %(show_value)d."
            ),
        },
    )


MEMO_LIMIT = 20000


class MemoForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    text = forms.CharField(
        label="Memo",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MEMO_LIMIT,
        required=False,
        error_messages={
            "max_length": f"Write the memo in {MEMO_LIMIT:,} characters or fewer: it has "
            "%(show_value)d."
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


PULL_QUOTE_LABELS = {
    "who": "After “Who shared their stories?”",
    "challenges": "In “Challenges”",
    "closing": "To close the report, after “Value for all”",
}


def _excerpt(quote) -> str:
    words = " ".join(quote.text.split())
    words = words if len(words) <= 90 else words[:89].rstrip() + "…"
    return f"“{words}” — {quote.credit}"


class ArrangeForm(PlainErrorsMixin, forms.Form):
    """The report's arrangement: where each theme, finding and key quote goes, the lead quote
    of each theme, the pull quotes and the layout of the findings.

    Built from the draft as compiled (reports.compile_draft), so it offers only what the report
    holds and quotes reports may use; the arrange_report service checks it all again.
    """

    based_on = forms.CharField(widget=forms.HiddenInput)
    layout = forms.ChoiceField(
        label="Layout of “What did we find out?”",
        choices=ReportVersion.Layout.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, compiled, **kwargs):
        super().__init__(*args, **kwargs)
        version = compiled.version
        self.fields["layout"].initial = version.layout
        chosen = (version.arrangement or {}).get("pull_quotes", {})
        self._themes = []
        for place, theme in enumerate(compiled.themes, start=1):
            position = self._position(f"theme_{theme.id}", place, f"Place of “{theme.name}”")
            findings = [
                self._position(
                    f"finding_{finding.id}", number, f"Place of the finding “{finding.statement}”"
                )
                for number, finding in enumerate(theme.findings, start=1)
                if finding.id is not None
            ]
            keys = [
                self._position(
                    f"key_{theme.id}_{quote.id}",
                    number,
                    f"Place of the key quote {_excerpt(quote)}",
                )
                for number, quote in enumerate(theme.key_quotes, start=1)
            ]
            lead = f"lead_{theme.id}"
            self.fields[lead] = forms.ChoiceField(
                label=f"Lead quote of “{theme.name}”",
                help_text="Shown first, under the theme’s heading.",
                required=False,
                choices=[("", "No lead quote")]
                + [(str(quote.id), _excerpt(quote)) for quote in theme.key_quotes],
                initial=str(theme.lead_quote.id) if theme.lead_quote else "",
            )
            self._themes.append((theme, position, findings, keys, lead))
        spots = {**PULL_QUOTE_LABELS}
        for number, heading in enumerate(compiled.value_headings, start=1):
            spots[f"value-{number}"] = f"Under the column “{heading}” of “Value for all”"
        self._places = reports.pull_quote_places(version.value_table)
        options = [("", "No pull quote here")] + [
            (str(quote.id), _excerpt(quote)) for quote in compiled.quotes
        ]
        usable = {quote.id for quote in compiled.quotes}
        self._pulls = []
        for spot in self._places:
            name = f"pull_{spot.replace('-', '_')}"
            pk = chosen.get(spot)
            self.fields[name] = forms.ChoiceField(
                label=spots[spot],
                required=False,
                choices=options,
                initial=str(pk) if pk in usable else "",
            )
            self._pulls.append((spot, name))

    def _position(self, name: str, place: int, label: str) -> str:
        self.fields[name] = forms.IntegerField(
            label=label, min_value=1, initial=place, widget=forms.NumberInput(attrs={"size": 3})
        )
        return name

    def groups(self):
        """Yield each theme's fields for the template: its place, findings, key quotes, lead."""
        for theme, position, findings, keys, lead in self._themes:
            yield {
                "theme": theme,
                "position": self[position],
                "findings": [self[name] for name in findings],
                "key_quotes": [self[name] for name in keys],
                "lead": self[lead],
            }

    def pull_fields(self):
        return [self[name] for _, name in self._pulls]

    def _ordered(self, names: list[str], what: str) -> list[str]:
        """Return the names by the places typed in; say so if two share a place."""
        places = {name: self.cleaned_data.get(name) for name in names}
        if None in places.values():
            return names
        seen = {}
        for name, place in places.items():
            if place in seen:
                self.add_error(name, f"Two {what} are at place {place}: give each its own number.")
            seen[place] = name
        return sorted(names, key=lambda name: places[name])

    def clean(self):
        data = super().clean()
        # A place the form does not offer is refused, not dropped without a word.
        for spot in reports.PULL_QUOTE_SPOTS:
            name = self.add_prefix(f"pull_{spot.replace('-', '_')}")
            if spot not in self._places and self.data.get(name):
                self.add_error(None, reports.no_column_error(spot, self._places))
        themes, findings, key_quotes, leads = [], {}, {}, {}
        for theme, position, finding_names, key_names, lead in self._themes:
            themes.append(position)
            findings[str(theme.id)] = [
                int(name.rsplit("_", 1)[1]) for name in self._ordered(finding_names, "findings")
            ]
            key_quotes[str(theme.id)] = [
                int(name.rsplit("_", 1)[1]) for name in self._ordered(key_names, "key quotes")
            ]
            if data.get(lead):
                leads[str(theme.id)] = int(data[lead])
        data["arrangement"] = {
            "themes": [int(name.split("_")[1]) for name in self._ordered(themes, "themes")],
            "findings": findings,
            "key_quotes": key_quotes,
            "lead_quotes": leads,
            "pull_quotes": {spot: int(data[name]) for spot, name in self._pulls if data.get(name)},
        }
        return data


class ExtractsForm(PlainErrorsMixin, forms.Form):
    """The report's playlist of extracts: add any quote it may play, remove one, move one.

    Every button sends `action`: "add", "reset" (back to the key quotes), or "remove-<id>",
    "up-<id>" and "down-<id>" for a quote already in the playlist.
    """

    based_on = forms.CharField(widget=forms.HiddenInput)
    quote = forms.IntegerField(
        label="Quote to add",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.Select,
        help_text="Quotes the report may print whose storytellers agreed to their recording "
        "being heard.",
        error_messages={
            "invalid": "Choose a quote from the list.",
            "min_value": "Choose a quote from the list.",
            "max_value": "Choose a quote from the list.",
        },
    )
    use_anyway = forms.BooleanField(label=USE_ANYWAY, required=False)
    action = forms.RegexField(
        regex=r"^(add|reset|(remove|up|down)-[0-9]{1,19})$",
        widget=forms.HiddenInput,  # sent by the button pressed, never rendered as a field
        error_messages={
            "required": "Press one of the playlist’s buttons.",
            "invalid": "Press one of the playlist’s buttons.",
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].widget.choices = [("", "Choose a quote")] + [
            (quote.id, _extract_label(quote)) for quote in choices
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") == "add" and data.get("quote") is None and "quote" not in self.errors:
            self.add_error("quote", "Choose a quote to add to the playlist.")
        return data

    def new_playlist(self, playing: list[int]) -> list[int] | None:
        """The playlist after this button, from the one playing now; None: the key quotes."""
        action = self.cleaned_data["action"]
        if action == "reset":
            return None
        if action == "add":
            return [*playing, self.cleaned_data["quote"]]
        verb, _, number = action.partition("-")
        quote_id = int(number)
        if quote_id not in playing:
            raise ValidationError("That quote is no longer in the playlist.", code="not_playing")
        result = list(playing)
        if verb == "remove":
            result.remove(quote_id)
            return result
        index = result.index(quote_id)
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(result):
            result[index], result[other] = result[other], result[index]
        return result


def _extract_label(quote) -> str:
    words = " ".join(quote.text.split())
    words = words if len(words) <= 90 else words[:89].rstrip() + "…"
    label = f"“{words}” — {quote.credit}"
    return f"{label} (could name its storyteller)" if quote.traceable else label
