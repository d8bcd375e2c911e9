from django.urls import path

from stories.views import curation, erasure, public, storyteller, subject_access, team

app_name = "stories"

storyteller_patterns = (
    [
        path("", storyteller.storyteller_home, name="home"),
        path("leave/", storyteller.storyteller_leave, name="leave"),
        path("stories/<int:pk>/consent/", storyteller.storyteller_consent, name="consent"),
        path("stories/<int:pk>/withdraw/", storyteller.storyteller_withdraw, name="withdraw"),
        path("copy/", subject_access.storyteller_copy, name="copy"),
        path("copy/<int:pk>/", subject_access.storyteller_copy_status, name="copy-status"),
        path(
            "copy/<int:pk>/download/",
            subject_access.storyteller_copy_download,
            name="copy-download",
        ),
        path("<str:token>/", storyteller.storyteller_enter, name="enter"),
    ],
    "storyteller",
)

urlpatterns = [
    path("dashboard/", team.dashboard, name="dashboard"),
    path("review/", curation.review_queue, name="review-queue"),
    path("projects/<slug:slug>/storytellers/", team.storyteller_list, name="storyteller-list"),
    path(
        "projects/<slug:slug>/storytellers/new/",
        team.storyteller_create,
        name="storyteller-create",
    ),
    path("projects/<slug:slug>/stories/new/", team.story_create, name="story-create"),
    path("storytellers/<int:pk>/", team.storyteller_detail, name="storyteller-detail"),
    path(
        "storytellers/<int:pk>/links/new/",
        team.storyteller_link_create,
        name="storyteller-link-create",
    ),
    path("storytellers/<int:pk>/erase/", erasure.storyteller_erase, name="storyteller-erase"),
    path(
        "storyteller-links/<int:pk>/revoke/",
        team.storyteller_link_revoke,
        name="storyteller-link-revoke",
    ),
    path(
        "storytellers/<int:pk>/copies/new/",
        subject_access.copy_request,
        name="storyteller-copy-request",
    ),
    path(
        "storytellers/<int:pk>/copies/<int:copy_pk>/",
        subject_access.copy_status,
        name="storyteller-copy",
    ),
    path(
        "storytellers/<int:pk>/copies/<int:copy_pk>/download/",
        subject_access.copy_download,
        name="storyteller-copy-download",
    ),
    path("gather/<int:pk>/", team.story_detail, name="story-detail"),
    path("gather/<int:pk>/edit/", team.story_edit, name="story-edit"),
    path("gather/<int:pk>/consent/", team.consent_record, name="consent-record"),
    path("gather/<int:pk>/recordings/new/", team.recording_upload, name="recording-upload"),
    path("gather/<int:pk>/transcript/new/", team.transcript_upload, name="transcript-upload"),
    path("gather/<int:pk>/transcript/edit/", team.transcript_edit, name="transcript-edit"),
    path(
        "gather/<int:pk>/transcript/redact/", curation.transcript_redact, name="transcript-redact"
    ),
    path("gather/<int:pk>/submit/", team.story_submit, name="story-submit"),
    path("gather/<int:pk>/publish/", curation.story_publish, name="story-publish"),
    path("gather/<int:pk>/feature/", curation.story_feature, name="story-feature"),
    path("gather/<int:pk>/erase/", erasure.story_erase, name="story-erase"),
    path(
        "gather/<int:pk>/request-changes/",
        curation.story_request_changes,
        name="story-request-changes",
    ),
    path("media/recordings/<int:pk>/", team.recording_file, name="recording-file"),
    path("media/recordings/<int:pk>/<slug:form>/", team.recording_file, name="recording-form"),
    path("gather/recordings/<int:pk>/retry/", team.recording_retry, name="recording-retry"),
    path("media/evidence/<int:pk>/", curation.consent_evidence, name="consent-evidence"),
    path("stories/", public.story_list, name="story-list"),
    path("stories/<int:pk>/", public.public_story, name="public-story"),
    path("stories/<int:pk>/captions.vtt", public.public_captions, name="public-captions"),
    path("topics/<slug:tag_slug>/", public.story_list, name="topic"),
    path("about/", public.about, name="about"),
    path("easy-read/", public.easy_read_switch, name="easy-read"),
    path("stories/recordings/<int:pk>/", public.public_recording, name="public-recording"),
    path(
        "stories/recordings/<int:pk>/<slug:form>/",
        public.public_recording,
        name="public-recording-form",
    ),
]
