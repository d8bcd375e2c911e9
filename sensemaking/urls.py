from django.urls import path

from sensemaking import exchange_views, find_views, report_views, views

app_name = "sensemaking"

urlpatterns = [
    path("workshops/", views.workshop_list, name="workshop-list"),
    path("projects/<slug:slug>/workshops/new/", views.workshop_create, name="workshop-create"),
    path("workshops/join/<str:token>/", views.guest_join, name="join"),
    path("workshops/leave/", views.guest_leave, name="leave"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop-edit"),
    path("workshops/<int:pk>/guests/", views.guest_invite, name="guest-invite"),
    path("workshops/<int:pk>/guests/<int:guest_pk>/stop/", views.guest_stop, name="guest-stop"),
    path("workshops/<int:pk>/board/", views.board, name="board"),
    path("workshops/<int:pk>/quotes/", exchange_views.workshop_quotes, name="workshop-quotes"),
    path("workshops/<int:pk>/updates/", views.workshop_updates, name="updates"),
    path("workshops/<int:pk>/search/", find_views.workshop_search, name="search"),
    path("workshops/<int:pk>/journal/", find_views.journal, name="journal"),
    path(
        "workshops/<int:pk>/themes/<int:theme_pk>/memo/",
        find_views.theme_memo,
        name="theme-memo",
    ),
    path("workshops/<int:pk>/stories/<int:story_pk>/", views.workshop_story, name="story"),
    path(
        "workshops/<int:pk>/stories/<int:story_pk>/quotes/",
        views.quote_create,
        name="quote-create",
    ),
    path("workshops/<int:pk>/stories/<int:story_pk>/audio/", views.workshop_media, name="media"),
    path(
        "workshops/<int:pk>/stories/<int:story_pk>/audio/<slug:form>/",
        views.workshop_media,
        name="media-form",
    ),
    path("workshops/<int:pk>/quotes/key/", views.quote_key, name="quote-key"),
    path("workshops/<int:pk>/quotes/move/", views.quote_move, name="quote-move"),
    path("workshops/<int:pk>/quotes/<int:quote_pk>/", views.quote_detail, name="quote"),
    path(
        "workshops/<int:pk>/quotes/<int:quote_pk>/remove/",
        views.quote_remove,
        name="quote-remove",
    ),
    path(
        "workshops/<int:pk>/quotes/<int:quote_pk>/restore/",
        views.quote_restore,
        name="quote-restore",
    ),
    path("workshops/<int:pk>/themes/<int:theme_pk>/", views.theme_edit, name="theme-edit"),
    path("workshops/<int:pk>/themes/<int:theme_pk>/merge/", views.theme_merge, name="theme-merge"),
    path("workshops/<int:pk>/themes/<int:theme_pk>/split/", views.theme_split, name="theme-split"),
    path("workshops/<int:pk>/themes/<int:theme_pk>/move/", views.theme_move, name="theme-move"),
    path(
        "workshops/<int:pk>/themes/<int:theme_pk>/findings/",
        views.finding_create,
        name="finding-create",
    ),
    path("workshops/<int:pk>/findings/<int:finding_pk>/", views.finding_edit, name="finding-edit"),
    path(
        "workshops/<int:pk>/findings/<int:finding_pk>/move/",
        views.finding_move,
        name="finding-move",
    ),
    path("reports/", report_views.report_list, name="report-list"),
    path("projects/<slug:slug>/reports/new/", report_views.report_create, name="report-create"),
    path("projects/<slug:slug>/codebook/", report_views.codebook, name="codebook"),
    path("projects/<slug:slug>/import/", exchange_views.project_import, name="project-import"),
    path(
        "projects/<slug:slug>/import/<int:pk>/",
        exchange_views.project_import_status,
        name="project-import-status",
    ),
    path("reports/<slug:slug>/", report_views.report_detail, name="report"),
    path("reports/<slug:slug>/edit/", report_views.report_edit, name="report-edit"),
    path("reports/<slug:slug>/arrange/", report_views.report_arrange, name="report-arrange"),
    path("reports/<slug:slug>/publish/", report_views.report_publish, name="report-publish"),
    path("reports/<slug:slug>/extracts/", report_views.report_extracts, name="report-extracts"),
    path(
        "reports/<slug:slug>/v<str:number>/",
        report_views.report_detail,
        name="report-version",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/report.pdf", report_views.report_pdf, name="report-pdf"
    ),
    path(
        "reports/<slug:slug>/v<str:number>/report.docx",
        report_views.report_docx,
        name="report-docx",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/quotes.<str:kind>",
        report_views.report_data,
        name="report-data",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/extracts.m4a",
        report_views.report_playlist,
        name="report-playlist",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/extracts.vtt",
        report_views.report_chapters,
        name="report-chapters",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/partners/<int:partner_pk>/logo.png",
        report_views.report_logo,
        name="report-logo",
    ),
    path(
        "reports/<slug:slug>/v<str:number>/clips/<int:clip_pk>.mp3",
        report_views.report_clip,
        name="report-clip",
    ),
]
