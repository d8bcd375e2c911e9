"""Every URL pattern the site answers, as an address with real arguments, for the tests that must
reach each one. A new pattern with arguments and no sample for them fails those tests."""

import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import URLResolver, get_resolver

ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_ARGUMENT = re.compile(r"\(\?P<(\w+)>[^)]*\)")
# The admin's views take any value and answer with a page, a redirect or "not found".
ADMIN_ARGUMENTS = {
    "pk": "1",
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "stories",
    "id": "1",
    "url": "nowhere/",
}


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced, such as "stories:story-detail"; "" for the admin's unnamed ones
    route: str  # with each argument as <name>, such as "gather/<pk>/"
    arguments: tuple[str, ...]


def _route(part) -> str:
    text = str(part.pattern)
    if text.startswith("^"):  # a regular expression: keep its literal text and its groups
        text = REGEX_ARGUMENT.sub(r"<\1>", text.lstrip("^").rstrip("$"))
    return ROUTE_ARGUMENT.sub(r"<\1>", text)


def patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Yield every URL pattern of the site, with its full route."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + _route(entry)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from patterns(entry, route, inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Pattern(name, route, tuple(ROUTE_ARGUMENT.findall(route)))


def addresses(samples: dict[str, dict]) -> list[tuple[Pattern, str]]:
    """Return an address for every pattern, its arguments filled from samples[name].

    Addresses that end a session (leaving, signing out) come last, so a visit keeps its session.
    """
    found, missing = [], []
    for pattern in patterns():
        values = (
            ADMIN_ARGUMENTS if pattern.route.startswith("admin/") else samples.get(pattern.name)
        )
        if pattern.arguments and (values is None or set(pattern.arguments) - set(values)):
            missing.append(pattern.name or pattern.route)
            continue
        address = "/" + ROUTE_ARGUMENT.sub(
            lambda match, values=values: str(values[match.group(1)]), pattern.route
        )
        found.append((pattern, address))
    assert not missing, f"Give sample arguments for these URL patterns: {missing}"
    return sorted(found, key=lambda item: "leave" in item[1] or "logout" in item[1])


def each(names: list[str], values: dict) -> dict[str, dict]:
    return {name: values for name in names}


def samples(team, world) -> dict[str, dict]:
    """Arguments for each pattern, from the crawler's world (tests/test_crawler.py)."""
    from sensemaking.models import Finding, ProjectImport, Quote, ReportClip, Theme, WorkshopGuest
    from stories.models import Consent, StorytellerLink, SubjectAccessCopy

    public, workshop, report = world["public"], world["workshop"], world["report"]
    story = {"pk": public.pk}
    in_workshop = {"pk": workshop.pk, "story_pk": public.pk}
    theme = {"pk": workshop.pk, "theme_pk": Theme.objects.filter(project=team.project).first().pk}
    version = {"slug": report.slug, "number": world["version"].number}
    project = {"slug": team.project.slug}
    clip = ReportClip.objects.exclude(file="").first()
    copy = {"pk": public.storyteller_id, "copy_pk": SubjectAccessCopy.objects.first().pk}
    return {
        "api-v1:get_story": {"story_id": public.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "storyteller:enter": {"token": world["storyteller_token"]},
        "storyteller:consent": story,
        "storyteller:withdraw": story,
        **each(["storyteller:copy-status", "storyteller:copy-download"], {"pk": copy["copy_pk"]}),
        **each(["stories:storyteller-copy", "stories:storyteller-copy-download"], copy),
        **each(
            ["stories:storyteller-list", "stories:storyteller-create", "stories:story-create"],
            project,
        ),
        **each(
            [
                "stories:storyteller-detail",
                "stories:storyteller-link-create",
                "stories:storyteller-copy-request",
                "stories:storyteller-erase",
            ],
            {"pk": public.storyteller_id},
        ),
        "stories:storyteller-link-revoke": {"pk": StorytellerLink.objects.first().pk},
        **each(
            [
                "stories:story-detail",
                "stories:story-edit",
                "stories:consent-record",
                "stories:recording-upload",
                "stories:transcript-upload",
                "stories:transcript-edit",
                "stories:transcript-redact",
                "stories:story-submit",
                "stories:story-publish",
                "stories:story-feature",
                "stories:story-request-changes",
                "stories:story-erase",
                "stories:public-story",
                "stories:public-captions",
            ],
            story,
        ),
        **each(
            ["stories:recording-file", "stories:public-recording", "stories:recording-retry"],
            {"pk": world["recording"].pk},
        ),
        **each(
            ["stories:recording-form", "stories:public-recording-form"],
            {"pk": world["recording"].pk, "form": "waveform"},
        ),
        "stories:consent-evidence": {"pk": Consent.objects.exclude(evidence="").first().pk},
        "stories:topic": {"tag_slug": "being-heard"},
        **each(
            [
                "sensemaking:workshop",
                "sensemaking:workshop-edit",
                "sensemaking:guest-invite",
                "sensemaking:board",
                "sensemaking:updates",
                "sensemaking:quote-key",
                "sensemaking:search",
                "sensemaking:journal",
                "sensemaking:workshop-quotes",
                "sensemaking:quote-move",
            ],
            {"pk": workshop.pk},
        ),
        "sensemaking:join": {"token": world["token"]},
        "sensemaking:guest-stop": {"pk": workshop.pk, "guest_pk": WorkshopGuest.objects.first().pk},
        **each(["sensemaking:story", "sensemaking:quote-create", "sensemaking:media"], in_workshop),
        "sensemaking:media-form": {**in_workshop, "form": "opus"},
        **each(
            ["sensemaking:quote", "sensemaking:quote-remove", "sensemaking:quote-restore"],
            {"pk": workshop.pk, "quote_pk": Quote.objects.filter(workshop=workshop).first().pk},
        ),
        **each(
            [
                "sensemaking:theme-edit",
                "sensemaking:theme-merge",
                "sensemaking:theme-split",
                "sensemaking:theme-move",
                "sensemaking:finding-create",
                "sensemaking:theme-memo",
            ],
            theme,
        ),
        **each(
            ["sensemaking:finding-edit", "sensemaking:finding-move"],
            {"pk": workshop.pk, "finding_pk": Finding.objects.filter(workshop=workshop).first().pk},
        ),
        **each(
            [
                "sensemaking:report-create",
                "sensemaking:codebook",
                "sensemaking:workshop-create",
                "sensemaking:project-import",
            ],
            project,
        ),
        **each(
            [
                "sensemaking:report",
                "sensemaking:report-edit",
                "sensemaking:report-arrange",
                "sensemaking:report-publish",
                "sensemaking:report-extracts",
            ],
            {"slug": report.slug},
        ),
        **each(
            [
                "sensemaking:report-version",
                "sensemaking:report-pdf",
                "sensemaking:report-docx",
                "sensemaking:report-playlist",
                "sensemaking:report-chapters",
            ],
            version,
        ),
        "sensemaking:report-data": {**version, "kind": "csv"},
        "sensemaking:project-import-status": {
            **project,
            "pk": ProjectImport.objects.filter(project=team.project).first().pk,
        },
        "sensemaking:report-clip": {**version, "clip_pk": clip.pk},
        "sensemaking:report-logo": {**version, "partner_pk": world["version"].partners.get().pk},
    }


def site(team, world) -> SimpleNamespace:
    """The crawler's world with a finding written and a storyteller's copy asked for by a
    curator, and an address for every URL pattern."""
    from sensemaking import services
    from sensemaking.models import ProjectImport, Theme
    from stories.subject_access import request_copy

    services.write_finding(
        workshop=world["workshop"],
        theme=Theme.objects.filter(project=team.project).first(),
        statement="People felt heard.",
        quotes=[],
        by=team.facilitator,
    )
    request_copy(
        storyteller=world["public"].storyteller, by=team.curator, base_url="http://testserver/"
    )
    ProjectImport.objects.create(
        project=team.project, original_filename="done.qdpx", state="done", created_by=team.curator
    )
    return SimpleNamespace(world=world, addresses=addresses(samples(team, world)), **world)
