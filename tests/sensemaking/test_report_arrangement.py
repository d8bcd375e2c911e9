"""The editor arranges the report: order, lead quotes, labels, pull quotes and the compact layout.

Each arrangement is checked as a reader meets it, in the web page, the PDF the worker makes and
the Word file, and each refusal changes nothing.
"""

import io
from types import SimpleNamespace

import docx
import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import Finding, ReportFile, ReportVersion, Theme
from sensemaking.reports import compile_report, forget_stories
from sensemaking.tasks import render_report_pdf
from stories import services as story_services
from stories.models import AuditEvent
from tests.factories import ALL_SCOPES, highlight_phrase, make_story, make_storyteller

pytestmark = pytest.mark.django_db

VOICE = "Co-production gave me a voice"
FUNDING = "Funding forms were the hardest part"
TOGETHER = "Working together we found answers"
BOSS = "Nobody was the boss in that room"
LEARNT = "We learnt from each other"
MONEY = "The money ran out twice"
PURPOSE = "It gave me a purpose"
CULTURE = "Organisations changed how they work"
EQUAL = "It feels like we all put in equally"
OTHER_TEXT = "\n\n".join(
    f"Ash: {words}." for words in (TOGETHER, BOSS, LEARNT, MONEY, PURPOSE, CULTURE, EQUAL)
)
NO_QUOTING = {**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False}


@pytest.fixture
def arranged(team, story, workshop, reported):
    """Two themes (one with a sub-theme), three findings, key quotes from two storytellers, quotes
    that are no theme's key quote, a challenges section and a two-column value table."""
    ash = make_storyteller(team.project, team.interviewer, credit_name="Ash")
    other = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        storyteller=ash,
        transcript=OTHER_TEXT,
        title="Working together",
    )
    services.set_workshop_stories(workshop=workshop, stories=[story, other], by=team.facilitator)
    voice = reported.theme
    barriers, cost = services.themes_named(team.project, ["Barriers", "Cost"])
    services.update_theme(
        theme=cost, expected_version=cost.version, by=team.facilitator, parent=barriers
    )
    quotes = SimpleNamespace(
        voice=reported.quote,
        funding=highlight_phrase(workshop, story, FUNDING, [barriers], key=True),
        together=highlight_phrase(workshop, other, TOGETHER, [voice], key=True),
        boss=highlight_phrase(workshop, other, BOSS, [voice], key=True),
        **{
            name: highlight_phrase(workshop, other, words)
            for name, words in [
                ("learnt", LEARNT),
                ("money", MONEY),
                ("purpose", PURPOSE),
                ("culture", CULTURE),
                ("equal", EQUAL),
            ]
        },
    )
    heard = Finding.objects.get(statement="People felt heard.")
    charge = services.write_finding(
        workshop=workshop,
        theme=voice,
        statement="Nobody was in charge.",
        quotes=[],
        by=team.facilitator,
    )
    forms = services.write_finding(
        workshop=workshop,
        theme=barriers,
        statement="Forms get in the way.",
        quotes=[quotes.funding],
        by=team.facilitator,
    )
    version = reported.version
    services.edit_report(
        report=reported.report,
        based_on=f"{version.pk}:{version.lock_version}",
        by=team.facilitator,
        workshops=[workshop],
        challenges="Funding was hard to find.",
        value_table={
            "columns": [
                {"heading": "Impacts on individuals", "items": ["Confidence"]},
                {"heading": "Impacts on organisations", "items": ["Better decisions"]},
            ]
        },
    )
    return SimpleNamespace(
        report=reported.report,
        voice=voice,
        barriers=barriers,
        quotes=quotes,
        findings=SimpleNamespace(heard=heard, charge=charge, forms=forms),
        other=other,
        story=story,
    )


def latest(report) -> ReportVersion:
    return report.versions.order_by("-major", "-minor").first()


def arrange(report, by, layout="full", **arrangement) -> ReportVersion:
    version = latest(report)
    return services.arrange_report(
        report=report,
        based_on=f"{version.pk}:{version.lock_version}",
        by=by,
        arrangement=arrangement,
        layout=layout,
    )


def words(text: str) -> str:
    return " ".join(text.split())


def html_text(client, version) -> str:
    page = client.get(
        reverse("sensemaking:report-version", args=[version.report.slug, version.number])
    )
    assert page.status_code == 200
    (article,) = lxml.html.fromstring(page.content).xpath("//article[@class='report']")
    return words(article.text_content())


def docx_text(client, version) -> str:
    response = client.get(
        reverse("sensemaking:report-docx", args=[version.report.slug, version.number])
    )
    document = docx.Document(io.BytesIO(response.content))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return words("\n".join(parts))


def pdf_text(client, version) -> str:
    url = reverse("sensemaking:report-pdf", args=[version.report.slug, version.number])
    client.post(url)
    fingerprint = compile_report(version).fingerprint
    render_report_pdf.call(
        ReportFile.objects.get(version=version, fingerprint=fingerprint).pk, "http://testserver/"
    )
    data = b"".join(client.get(url).streaming_content)
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def renderings(client, version) -> dict[str, str]:
    version.refresh_from_db()
    return {
        "html": html_text(client, version),
        "docx": docx_text(client, version),
        "pdf": pdf_text(client, version),
    }


def after(text: str, heading: str) -> str:
    """The text from the last time `heading` starts a part (after any contents page)."""
    return text[text.rindex(heading) :]


def in_order(text: str, *parts: str) -> bool:
    places = [text.find(part) for part in parts]
    return -1 not in places and places == sorted(places)


def test_the_editors_order_of_themes_findings_and_key_quotes_is_followed_everywhere(
    client, arranged, team
):
    client.force_login(team.facilitator)
    findings, quotes = arranged.findings, arranged.quotes
    before = renderings(client, latest(arranged.report))
    for kind, text in before.items():  # today's order: the board's themes, quotes by story
        found = after(text, "What did we find out?")
        assert in_order(
            found,
            "Having a voice",
            "People felt heard.",
            "Nobody was in charge.",
            TOGETHER,
            BOSS,
            "Barriers",
            "Forms get in the way.",
        ), kind

    version = arrange(
        arranged.report,
        team.facilitator,
        themes=[arranged.barriers.pk, arranged.voice.pk],
        findings={str(arranged.voice.pk): [findings.charge.pk, findings.heard.pk]},
        key_quotes={str(arranged.voice.pk): [quotes.boss.pk, quotes.together.pk]},
    )
    assert version.number == "1.0" and not version.is_published
    for kind, text in renderings(client, version).items():
        found = after(text, "What did we find out?")
        assert in_order(
            found,
            "Barriers",
            "Forms get in the way.",
            "Having a voice",
            "Nobody was in charge.",
            "People felt heard.",
            BOSS,
            TOGETHER,
        ), kind


def test_themes_findings_and_quotes_not_yet_arranged_come_after_in_todays_order(
    arranged, team, workshop
):
    arrange(
        arranged.report,
        team.facilitator,
        themes=[arranged.barriers.pk],
        findings={str(arranged.voice.pk): [arranged.findings.charge.pk]},
    )
    (trust,) = services.themes_named(team.project, ["Trust"])
    services.write_finding(
        workshop=workshop, theme=trust, statement="Trust grew.", quotes=[], by=team.facilitator
    )
    services.write_finding(
        workshop=workshop,
        theme=arranged.voice,
        statement="A late finding.",
        quotes=[],
        by=team.facilitator,
    )
    compiled = compile_report(latest(arranged.report))
    assert [theme.name for theme in compiled.themes] == ["Barriers", "Having a voice", "Trust"]
    assert [finding.statement for finding in compiled.themes[1].findings] == [
        "Nobody was in charge.",
        "People felt heard.",
        "A late finding.",
    ]


def test_a_lead_quote_opens_its_theme_and_key_quotes_say_what_they_are(client, arranged, team):
    client.force_login(team.facilitator)
    before = renderings(client, latest(arranged.report))
    for kind, text in before.items():
        assert "Lead quote" not in text, kind
        # Each key quote says so, whether a finding quotes it or it stands under "Key quotes".
        found = after(text, "What did we find out?")
        assert f"Key quote “{VOICE}" in found, kind
        assert f"Key quote “{TOGETHER}" in found, kind

    version = arrange(
        arranged.report,
        team.facilitator,
        lead_quotes={str(arranged.voice.pk): arranged.quotes.together.pk},
    )
    for kind, text in renderings(client, version).items():
        found = after(text, "What did we find out?")
        # First under the theme's heading, before its findings, and not shown a second time.
        assert in_order(
            found,
            "Having a voice",
            f"Lead quote “{TOGETHER}",
            "People felt heard.",
            f"Key quote “{VOICE}",
            f"Key quote “{BOSS}",
        ), kind
        assert found.count(TOGETHER) == 1, kind


def test_a_quote_under_two_themes_is_shown_once_under_the_first_in_every_rendering(
    client, arranged, team
):
    client.force_login(team.facilitator)
    quotes, forms = arranged.quotes, arranged.findings.forms
    # Together is a key quote of "Having a voice" and, through the sub-theme Cost, of
    # "Barriers", and it supports a Barriers finding too.
    services.tag_quote(quote=quotes.together, themes=[Theme.objects.get(name="Cost")])
    services.update_finding(
        finding=forms,
        expected_version=forms.version,
        statement=forms.statement,
        quotes=[quotes.funding, quotes.together],
    )
    for kind, text in renderings(client, latest(arranged.report)).items():
        assert text.count(TOGETHER) == 1, kind
        found = after(text, "What did we find out?")
        assert in_order(
            found, "Having a voice", f"Key quote “{TOGETHER}", "Barriers", "Forms get in the way."
        ), kind

    # Barriers first: it is shown there, under its finding, and not again under Having a voice.
    version = arrange(
        arranged.report, team.facilitator, themes=[arranged.barriers.pk, arranged.voice.pk]
    )
    for kind, text in renderings(client, version).items():
        assert text.count(TOGETHER) == 1, kind
        found = after(text, "What did we find out?")
        assert in_order(
            found, "Barriers", "Forms get in the way.", f"Key quote “{TOGETHER}", "Having a voice"
        ), kind

    # The editor's choices are shown where made: the lead quote of the second theme, and a pull
    # quote to close; neither is repeated as a key quote of the first theme.
    version = arrange(
        arranged.report,
        team.facilitator,
        lead_quotes={str(arranged.barriers.pk): quotes.together.pk},
        pull_quotes={"closing": quotes.boss.pk},
    )
    for kind, text in renderings(client, version).items():
        assert text.count(TOGETHER) == 1 and text.count(BOSS) == 1, kind
        found = after(text, "What did we find out?")
        assert in_order(
            found,
            "Having a voice",
            f"Key quote “{VOICE}",
            "Barriers",
            f"Lead quote “{TOGETHER}",
            "Forms get in the way.",
            "Value for all",
            BOSS,
        ), kind
    # Both themes still offer it to the editor, who may move it.
    values = arrange_page_values(client, arranged.report)
    for theme in (arranged.voice, arranged.barriers):
        assert f"arrange-key_{theme.pk}_{quotes.together.pk}" in values


def test_pull_quotes_sit_where_the_seed_has_them_in_every_rendering(client, arranged, team):
    client.force_login(team.facilitator)
    quotes = arranged.quotes
    version = arrange(
        arranged.report,
        team.facilitator,
        pull_quotes={
            "who": quotes.learnt.pk,
            "challenges": quotes.money.pk,
            "value-1": quotes.purpose.pk,
            "value-2": quotes.culture.pk,
            "closing": quotes.equal.pk,
        },
    )
    for kind, text in renderings(client, version).items():
        body = after(text, "Who shared their stories?")
        assert in_order(
            body,
            "Who shared their stories?",
            LEARNT,
            "What did we find out?",
            "Challenges",
            MONEY,
            "Value for all",
            "Confidence",
            PURPOSE,
            CULTURE,
            EQUAL,
            "Acknowledgements",
        ), kind
        assert f"{PURPOSE}” — Ash" in body, kind  # credited as the storyteller chose


def test_withdrawn_consent_drops_a_lead_and_pull_quotes_from_every_rendering(
    client, arranged, team
):
    client.force_login(team.facilitator)
    quotes = arranged.quotes
    arrange(
        arranged.report,
        team.facilitator,
        lead_quotes={str(arranged.voice.pk): quotes.together.pk},
        pull_quotes={
            "who": quotes.learnt.pk,
            "value-2": quotes.culture.pk,
            "closing": quotes.equal.pk,
        },
    )
    published = services.publish_report(version=latest(arranged.report), by=team.curator)
    shown = renderings(client, published)
    for kind, text in shown.items():
        for phrase in (TOGETHER, LEARNT, CULTURE, EQUAL, "Lead quote"):
            assert phrase in text, (kind, phrase)

    story_services.change_consent_scopes(story=arranged.other, scopes=NO_QUOTING, by=team.curator)
    for kind, text in renderings(client, published).items():
        for phrase in (TOGETHER, BOSS, LEARNT, CULTURE, EQUAL, "Lead quote"):
            assert phrase not in text, (kind, phrase)
        assert VOICE in text, kind  # the other storyteller's quotes stay
        # Together, Boss (key quotes), Learnt, Culture and Equal (pull quotes): Ash's five.
        assert "5 quotes from this version were removed at the storytellers’ request" in text


def test_a_published_arrangement_is_frozen_and_rearranging_starts_the_next_version(
    client, arranged, team
):
    theme_order = [arranged.barriers.pk, arranged.voice.pk]
    arrange(
        arranged.report,
        team.facilitator,
        themes=theme_order,
        lead_quotes={str(arranged.voice.pk): arranged.quotes.boss.pk},
    )
    published = services.publish_report(version=latest(arranged.report), by=team.curator)

    draft = arrange(arranged.report, team.facilitator, themes=theme_order[::-1])
    assert draft.number == "1.1" and not draft.is_published
    assert [theme.name for theme in compile_report(draft).themes] == ["Having a voice", "Barriers"]
    # The new draft keeps what it was not told to change: the layout and the value table.
    assert draft.value_table == published.value_table
    frozen = compile_report(ReportVersion.objects.get(pk=published.pk))
    assert [theme.name for theme in frozen.themes] == ["Barriers", "Having a voice"]
    assert frozen.themes[1].lead_quote.text.startswith(BOSS)
    edits = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_EDITED)
    assert edits.filter(details__version="1.1", actor=team.facilitator).count() == 1


def test_an_arrangement_that_names_what_the_report_does_not_have_is_refused(
    arranged, team, workshop
):
    silent = make_story(
        team.project,
        team.interviewer,
        scopes=NO_QUOTING,
        status="submitted",
        transcript="Sam: Keep this to the workshop.",
        title="Quiet",
    )
    services.set_workshop_stories(
        workshop=workshop, stories=[arranged.story, arranged.other, silent], by=team.facilitator
    )
    private = highlight_phrase(
        workshop, silent, "Keep this to the workshop", [arranged.voice], key=True
    )
    voice, quotes = str(arranged.voice.pk), arranged.quotes
    before = latest(arranged.report)
    audits = AuditEvent.objects.count()
    cases = [
        ({"themes": [arranged.voice.pk, 999_999]}, "Theme 999999 is not in this report"),
        ({"themes": [arranged.voice.pk, arranged.voice.pk]}, "is listed twice"),
        ({"findings": {voice: [arranged.findings.forms.pk]}}, "is not one of the findings of"),
        ({"key_quotes": {voice: [quotes.learnt.pk]}}, "is not a key quote of “Having a voice”"),
        ({"lead_quotes": {voice: quotes.funding.pk}}, "must be one of its key quotes"),
        ({"lead_quotes": {voice: private.pk}}, "may not be used in reports"),
        ({"pull_quotes": {"closing": private.pk}}, "may not be used in reports"),
        ({"pull_quotes": {"footer": quotes.learnt.pk}}, "“footer” is not a place for a pull quote"),
        ({"pull_quotes": {"who": 999_999}}, "is not a quote of this report’s workshops"),
        # The value table has two columns.
        (
            {"pull_quotes": {"value-3": quotes.learnt.pk}},
            "“Value for all” has 2 columns, so there is no column 3 to put a pull quote under.",
        ),
        ({"pull_quotes": {"value-4": quotes.learnt.pk}}, "there is no column 4"),
        ({"themes": "all of them"}, "must be a list of ids"),
        ({"colours": []}, "“colours” is not a part of a report’s arrangement"),
    ]
    for arrangement, message in cases:
        with pytest.raises(ValidationError) as refused:
            arrange(arranged.report, team.facilitator, **arrangement)
        assert any(message in text for text in refused.value.messages), (arrangement, refused)
    after_refusals = latest(arranged.report)
    assert (after_refusals.pk, after_refusals.lock_version) == (before.pk, before.lock_version)
    assert after_refusals.arrangement == {}
    assert AuditEvent.objects.count() == audits
    # The private key quote is never offered, and never shown.
    assert private.pk not in {
        q.id for theme in compile_report(before).themes for q in theme.key_quotes
    }


def arrange_page_values(client, report) -> dict[str, str]:
    """The arrange form's fields as the edit page fills them in."""
    page = client.get(reverse("sensemaking:report-edit", args=[report.slug]))
    (form,) = lxml.html.fromstring(page.content).xpath(
        f"//form[@action='{reverse('sensemaking:report-arrange', args=[report.slug])}']"
    )
    return dict(form.form_values())


def test_the_arrange_form_works_without_javascript_and_refuses_a_tie(client, arranged, team):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:report-arrange", args=[arranged.report.slug])
    values = arrange_page_values(client, arranged.report)
    voice, barriers = arranged.voice.pk, arranged.barriers.pk
    assert values[f"arrange-theme_{voice}"] == "1" and values[f"arrange-theme_{barriers}"] == "2"

    tie = {**values, f"arrange-theme_{barriers}": "1"}
    refused = client.post(url, tie)
    assert refused.status_code == 200
    assert "Two themes are at place 1: give each its own number." in refused.content.decode()
    assert latest(arranged.report).arrangement == {}

    values = arrange_page_values(client, arranged.report)  # a new form key
    tampered = {**values, f"arrange-lead_{voice}": str(arranged.quotes.funding.pk)}
    assert client.post(url, tampered).status_code == 200
    assert latest(arranged.report).arrangement == {}

    chosen = {
        **values,
        f"arrange-theme_{barriers}": "1",
        f"arrange-theme_{voice}": "2",
        f"arrange-lead_{voice}": str(arranged.quotes.boss.pk),
        "arrange-pull_closing": str(arranged.quotes.equal.pk),
        "arrange-layout": "compact",
    }
    response = client.post(url, chosen)
    assert response.status_code == 302 and response["Location"].endswith("/edit/#arrange")
    version = latest(arranged.report)
    assert version.layout == "compact"
    assert version.arrangement["themes"] == [barriers, voice]
    assert version.arrangement["lead_quotes"] == {str(voice): arranged.quotes.boss.pk}
    assert version.arrangement["pull_quotes"] == {"closing": arranged.quotes.equal.pk}
    # The form now shows the saved arrangement.
    values = arrange_page_values(client, arranged.report)
    assert values[f"arrange-theme_{barriers}"] == "1"
    assert values[f"arrange-lead_{voice}"] == str(arranged.quotes.boss.pk)


def test_the_arrange_form_offers_pull_quotes_only_under_the_value_tables_columns(
    client, arranged, team
):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:report-arrange", args=[arranged.report.slug])
    values = arrange_page_values(client, arranged.report)
    offered = {name for name in values if name.startswith("arrange-pull_value_")}
    assert offered == {"arrange-pull_value_1", "arrange-pull_value_2"}  # two columns

    tampered = {**values, "arrange-pull_value_4": str(arranged.quotes.learnt.pk)}
    refused = client.post(url, tampered)
    assert refused.status_code == 200
    assert (
        "“Value for all” has 2 columns, so there is no column 4 to put a pull quote under."
        in refused.content.decode()
    )
    assert latest(arranged.report).arrangement == {}


def test_only_the_project_team_arranges_a_report(client, arranged, team):
    url = reverse("sensemaking:report-arrange", args=[arranged.report.slug])
    data = {"arrange-layout": "compact"}
    assert client.post(url, data).status_code == 302  # to sign in
    for outsider in (team.outsider, team.interviewer, team.interviewer2, team.nobody):
        client.force_login(outsider)
        assert client.post(url, data).status_code == 404
    assert latest(arranged.report).layout == "full"
    client.force_login(team.curator)
    values = arrange_page_values(client, arranged.report)
    assert client.post(url, {**values, "arrange-layout": "compact"}).status_code == 302
    assert latest(arranged.report).layout == "compact"


def test_the_compact_layout_is_one_table_of_theme_sub_themes_and_one_quote(client, arranged, team):
    client.force_login(team.facilitator)
    version = arrange(
        arranged.report,
        team.facilitator,
        layout="compact",
        lead_quotes={str(arranged.voice.pk): arranged.quotes.together.pk},
    )
    page = client.get(reverse("sensemaking:report-version", args=[arranged.report.slug, "1.0"]))
    tree = lxml.html.fromstring(page.content)
    (table,) = tree.xpath("//table[contains(@class, 'overview')]")
    assert [words(cell.text_content()) for cell in table.xpath(".//thead//th")] == [
        "Theme",
        "Sub-themes and findings",
        "Quote",
    ]
    voice, barriers = table.xpath(".//tbody/tr")
    assert words(voice[0].text_content()) == "Having a voice"
    assert voice.xpath("./td[1]//li/text()") == ["People felt heard.", "Nobody was in charge."]
    assert words(voice[2].text_content()).startswith(f"Lead quote “{TOGETHER}")
    assert words(barriers[0].text_content()) == "Barriers"
    assert barriers.xpath("./td[1]//li/text()") == ["Cost", "Forms get in the way."]
    assert words(barriers[2].text_content()).startswith(f"Key quote “{FUNDING}")
    assert not tree.xpath("//h3[contains(., 'Having a voice')]")  # no theme set out in full
    for kind, text in renderings(client, version).items():
        found = after(text, "What did we find out?")
        assert in_order(
            found,
            "Theme",
            "Sub-themes and findings",
            "Quote",
            "Having a voice",
            "People felt heard.",
            TOGETHER,
            "Barriers",
            "Cost",
            FUNDING,
        ), kind
        assert BOSS not in found and VOICE not in found, kind  # one quote a theme
        assert "Key quotes" not in found, kind


def test_erasing_a_story_takes_its_lead_and_pull_quotes_out_of_a_published_version(arranged, team):
    quotes = arranged.quotes
    arrange(
        arranged.report,
        team.facilitator,
        lead_quotes={str(arranged.voice.pk): quotes.together.pk},
        pull_quotes={"who": quotes.learnt.pk, "closing": quotes.voice.pk},
    )
    published = services.publish_report(version=latest(arranged.report), by=team.curator)
    forget_stories(story_ids=[arranged.other.pk])
    published.refresh_from_db()
    (voice,) = [theme for theme in published.content["themes"] if theme["id"] == arranged.voice.pk]
    assert voice["lead_quote"] is None
    assert published.content["pull_quotes"] == {"closing": quotes.voice.pk}
    compiled = compile_report(published)
    assert compiled.themes[0].lead_quote is None
    assert list(compiled.pull_quotes) == ["closing"]


def test_the_edit_page_with_its_arrange_part_reads_a_fixed_number_of_queries(
    client, arranged, team, django_assert_num_queries
):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:report-edit", args=[arranged.report.slug])
    client.get(url)
    # Session, user, report, its draft; the edit form's chosen workshops and partners; building
    # the draft's content: workshops, themes, findings, their quotes, key quotes, quotes,
    # stories (7); compiling it: quotes, their stories, redactions, section names, quote themes,
    # public stories, credits, interviewers, facilitators, partners (10); the workshops to choose
    # from.
    with django_assert_num_queries(24):
        response = client.get(url)
    assert "Arrange the report" in response.content.decode()


def test_the_team_is_told_when_a_pull_quote_could_name_its_storyteller(client, arranged, team):
    story_services.publish_story(story=arranged.other, by=team.curator)
    story_services.change_consent_scopes(
        story=arranged.other, scopes={**ALL_SCOPES, "quote_credited": False}, by=team.curator
    )
    arrange(arranged.report, team.facilitator, pull_quotes={"closing": arranged.quotes.learnt.pk})
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:report", args=[arranged.report.slug]))
    (panel,) = lxml.html.fromstring(page.content).xpath("//*[@aria-labelledby='traceable-heading']")
    code = arranged.other.storyteller.code
    assert f"“{LEARNT}” (storyteller {code})" in words(panel.text_content())
    closing = lxml.html.fromstring(page.content).xpath("//aside[@aria-label='A closing quote']")
    assert "Anonymous storyteller" in closing[0].text_content()
    assert not closing[0].xpath(".//a")  # never linked to the story that names them
