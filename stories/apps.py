from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"

    def ready(self):
        from stories.consequences import Change, register
        from stories.tasks import forget_listener_copies, refresh_listener_copies

        # What listeners hear follows the redactions and the transcript's timings.
        register(Change.REDACTION, refresh_listener_copies)
        register(Change.TRANSCRIPT, refresh_listener_copies)
        register(Change.CONSENT, forget_listener_copies)
