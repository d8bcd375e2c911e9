from django.urls import path

from stories import views

app_name = "stories"

storyteller_patterns = (
    [
        path("", views.storyteller_home, name="home"),
        path("leave/", views.storyteller_leave, name="leave"),
        path("stories/<int:pk>/consent/", views.storyteller_consent, name="consent"),
        path("stories/<int:pk>/withdraw/", views.storyteller_withdraw, name="withdraw"),
        path("<str:token>/", views.storyteller_enter, name="enter"),
    ],
    "storyteller",
)

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("review/", views.review_queue, name="review-queue"),
    path("projects/<slug:slug>/storytellers/", views.storyteller_list, name="storyteller-list"),
    path(
        "projects/<slug:slug>/storytellers/new/",
        views.storyteller_create,
        name="storyteller-create",
    ),
    path("projects/<slug:slug>/stories/new/", views.story_create, name="story-create"),
    path("storytellers/<int:pk>/", views.storyteller_detail, name="storyteller-detail"),
    path(
        "storytellers/<int:pk>/links/new/",
        views.storyteller_link_create,
        name="storyteller-link-create",
    ),
    path(
        "storyteller-links/<int:pk>/revoke/",
        views.storyteller_link_revoke,
        name="storyteller-link-revoke",
    ),
    path("gather/<int:pk>/", views.story_detail, name="story-detail"),
    path("gather/<int:pk>/edit/", views.story_edit, name="story-edit"),
    path("gather/<int:pk>/consent/", views.consent_record, name="consent-record"),
    path("gather/<int:pk>/recordings/new/", views.recording_upload, name="recording-upload"),
    path("gather/<int:pk>/transcript/new/", views.transcript_upload, name="transcript-upload"),
    path("gather/<int:pk>/transcript/edit/", views.transcript_edit, name="transcript-edit"),
    path("gather/<int:pk>/transcript/redact/", views.transcript_redact, name="transcript-redact"),
    path("gather/<int:pk>/submit/", views.story_submit, name="story-submit"),
    path("gather/<int:pk>/publish/", views.story_publish, name="story-publish"),
    path("gather/<int:pk>/feature/", views.story_feature, name="story-feature"),
    path(
        "gather/<int:pk>/request-changes/",
        views.story_request_changes,
        name="story-request-changes",
    ),
    path("media/recordings/<int:pk>/", views.recording_file, name="recording-file"),
    path("media/evidence/<int:pk>/", views.consent_evidence, name="consent-evidence"),
    path("stories/", views.story_list, name="story-list"),
    path("stories/<int:pk>/", views.public_story, name="public-story"),
    path("stories/<int:pk>/captions.vtt", views.public_captions, name="public-captions"),
    path("topics/<slug:tag_slug>/", views.story_list, name="topic"),
    path("about/", views.about, name="about"),
    path("stories/recordings/<int:pk>/", views.public_recording, name="public-recording"),
]
