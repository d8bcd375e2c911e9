from django.urls import path

from sensemaking import views

app_name = "sensemaking"

urlpatterns = [
    path("workshops/", views.workshop_list, name="workshop-list"),
    path("projects/<slug:slug>/workshops/new/", views.workshop_create, name="workshop-create"),
    path("workshops/join/<str:token>/", views.guest_join, name="join"),
    path("workshops/leave/", views.guest_leave, name="leave"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop-edit"),
    path("workshops/<int:pk>/guests/", views.guest_invite, name="guest-invite"),
    path("workshops/<int:pk>/board/", views.board, name="board"),
    path("workshops/<int:pk>/updates/", views.workshop_updates, name="updates"),
    path("workshops/<int:pk>/stories/<int:story_pk>/", views.workshop_story, name="story"),
    path(
        "workshops/<int:pk>/stories/<int:story_pk>/quotes/",
        views.quote_create,
        name="quote-create",
    ),
    path("workshops/<int:pk>/stories/<int:story_pk>/audio/", views.workshop_media, name="media"),
    path("workshops/<int:pk>/quotes/<int:quote_pk>/key/", views.quote_key, name="quote-key"),
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
]
