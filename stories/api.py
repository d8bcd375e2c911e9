"""The public JSON API at /api/v1/: published stories, their consented content and topics.

Everything starts from Story.objects.public(). A transcript is shown only with consent to publish
it, and always with redactions applied; audio only with consent to publish it. Filters and search
go through stories.archive.find(): facts about the stories, never about their storytellers.
"""

from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.pagination import PageNumberPagination, paginate
from taggit.models import Tag

from stories import access, archive, search
from stories.media import COPY_MEDIA_TYPE, CopyStatus, Form, copy_status
from stories.models import Recording, Story, Transcript
from stories.querysets import current_transcript_prefetch

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
# As long as the archive page's search box and filters take (stories.forms.StoryFilterForm).
MAX_TEXT = 200

api = NinjaAPI(
    title="corpro public API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Published stories, shared only as far as each storyteller's consent allows. "
        "Transcripts have redactions applied."
    ),
)


def public_parts(story: Story) -> access.Parts:
    """The parts of a story the public may see (the same for everyone)."""
    return access.parts_for(story, surface=access.Surface.PUBLIC, roles=())


def _absolute(request: HttpRequest, name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(name, args=[pk]))


class StoryOut(Schema):
    id: int
    title: str
    summary: str
    credit: str = Field(description="How the storyteller chose to be credited.")
    place: str
    recorded_on: date | None
    language: str
    tags: list[str]
    published_at: datetime
    has_audio: bool
    has_transcript: bool
    url: str = Field(description="The story's public page.")

    @staticmethod
    def resolve_credit(story: Story) -> str:
        return story.storyteller.credit

    @staticmethod
    def resolve_tags(story: Story) -> list[str]:
        return sorted(tag.name for tag in story.tags.all())

    @staticmethod
    def resolve_has_audio(story: Story) -> bool:
        return public_parts(story).audio and story.has_ready_recording

    @staticmethod
    def resolve_has_transcript(story: Story) -> bool:
        return public_parts(story).transcript and story.has_current_transcript

    @staticmethod
    def resolve_url(story: Story, context) -> str:
        return _absolute(context["request"], "stories:public-story", story.pk)


class SegmentOut(Schema):
    index: int
    start: float | None = Field(description="Seconds from the start, when the timing is known.")
    end: float | None
    speaker: str
    text: str = Field(description='The words, with each redacted span shown as "[redacted]".')


class AudioOut(Schema):
    url: str = Field(description="The sound as MP3 (media_type), which every player plays.")
    media_type: str
    duration_seconds: float | None
    opus_url: str | None = Field(
        None, description="The same sound as Opus in WebM (audio/webm), smaller; null if not made."
    )
    video_url: str | None = Field(
        None,
        description=(
            "The video (video/mp4) of a video recording; null unless the storyteller agreed to "
            "publish it."
        ),
    )


class StoryDetailOut(StoryOut):
    transcript: list[SegmentOut] | None = Field(
        description="Null unless the storyteller agreed to publish the transcript."
    )
    audio: list[AudioOut] = Field(
        description="Empty unless the storyteller agreed to publish the audio."
    )

    @staticmethod
    def resolve_transcript(story: Story) -> list[dict] | None:
        transcript = story.current_transcripts[0] if story.current_transcripts else None
        if transcript is None or not public_parts(story).transcript:
            return None
        return [
            {
                "index": row["segment"].index,
                "start": row["segment"].start_seconds,
                "end": row["segment"].end_seconds,
                "speaker": row["segment"].speaker,
                "text": "".join(text for text, _redacted in row["parts"]),
            }
            for row in transcript.display_segments()
        ]

    @staticmethod
    def resolve_audio(story: Story, context) -> list[dict]:
        parts = public_parts(story)
        if not parts.audio:
            return []
        request = context["request"]
        transcript = story.current_transcripts[0] if story.current_transcripts else None

        def form_url(recording: Recording, form: Form) -> str:
            address = reverse("stories:public-recording-form", args=[recording.pk, form.value])
            return request.build_absolute_uri(address)

        # Listeners hear the clean copies, and only once they match the current redactions.
        return [
            {
                "url": _absolute(request, "stories:public-recording", recording.pk),
                "media_type": COPY_MEDIA_TYPE,
                "duration_seconds": recording.duration_seconds,
                "opus_url": form_url(recording, Form.OPUS) if recording.opus_copy else None,
                "video_url": form_url(recording, Form.VIDEO)
                if parts.video and recording.video_copy
                else None,
            }
            for recording in story.ready_recordings
            if copy_status(recording, transcript=transcript) == CopyStatus.READY
        ]


class TagOut(Schema):
    name: str
    slug: str
    story_count: int = Field(description="How many public stories have this topic.")

    @staticmethod
    def resolve_story_count(tag: Tag) -> int:
        return tag.count


class StoryFilters(Schema):
    tag: str | None = Field(None, max_length=MAX_TEXT, description="A topic's slug or name.")
    place: str | None = Field(
        None, max_length=MAX_TEXT, description="The place, in any letter case."
    )
    year: int | None = Field(None, ge=1, le=9999, description="The year the story was recorded.")
    language: str | None = Field(
        None, max_length=MAX_TEXT, description="A language code, such as en or cy."
    )
    has_audio: bool | None = Field(None, description="Whether the audio can be heard.")

    def given(self) -> dict:
        """Return the filters given, named as stories.archive.find() names them."""
        filters = {
            "tag": self.tag,
            "place": self.place,
            "year": self.year,
            "language": self.language,
            "audio": self.has_audio,
        }
        return {name: value for name, value in filters.items() if value not in (None, "")}


def public_stories():
    """Return public stories with what every answer shows, in a fixed number of queries."""
    return (
        Story.objects.public()
        .select_related("storyteller", "current_consent")
        .prefetch_related("tags")
        .annotate(
            has_current_transcript=Exists(
                Transcript.objects.filter(story=OuterRef("pk"), is_current=True)
            ),
            has_ready_recording=Exists(archive.audible().filter(story=OuterRef("pk"))),
        )
    )


class Pages(PageNumberPagination):
    """Page numbers, bounded so that an absurd page is refused with 422, not a server error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


@api.get("/stories", response=list[StoryOut], tags=["stories"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_stories(request, filters: Query[StoryFilters]):
    """List public stories, newest published first."""
    return archive.find(
        public_stories(), filters.given(), ordering=("-published_at", "-pk")
    ).stories


@api.get("/stories/{story_id}", response=StoryDetailOut, tags=["stories"])
def get_story(request, story_id: int):
    """Return one public story with its transcript and audio, as far as consent allows."""
    return get_object_or_404(
        public_stories().prefetch_related(
            current_transcript_prefetch(),
            Prefetch(
                "recordings",
                queryset=Recording.objects.filter(state=Recording.State.READY),
                to_attr="ready_recordings",
            ),
        ),
        pk=story_id,
    )


@api.get("/tags", response=list[TagOut], tags=["topics"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_tags(request):
    """List the topics of public stories, most used first, with their number of public stories."""
    return archive.topics()


class SearchResultOut(StoryOut):
    snippet: str | None = Field(
        description="Where the words were found, as HTML with each match in <mark>; text is "
        "escaped."
    )

    @staticmethod
    def resolve_snippet(story: Story) -> str | None:
        return getattr(story, "snippet", None)


class SearchPagination(Pages):
    """Page numbers, with snippets computed for the stories on the page only."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        stories = list(page["items"])
        found = search.snippets(stories, request.GET.get("q", ""))
        for story in stories:
            story.snippet = found.get(story.pk)
        return {**page, "items": stories}


class SearchFilters(StoryFilters):
    q: str = Field(max_length=MAX_TEXT, description="The words to search for.")


@api.get("/search", response=list[SearchResultOut], tags=["stories"])
@paginate(SearchPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def search_stories(request, filters: Query[SearchFilters]):
    """Search public stories: "quoted phrases", -word to exclude, or; best matches first."""
    return archive.find(public_stories(), filters.given(), filters.q).stories
