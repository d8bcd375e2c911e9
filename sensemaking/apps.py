from django.apps import AppConfig


class SensemakingConfig(AppConfig):
    name = "sensemaking"
    verbose_name = "Sense-making"

    def ready(self) -> None:
        from sensemaking import consequences, dashboard
        from sensemaking.subject_access import quotes
        from stories.dashboard import register_section as add_to_dashboard
        from stories.subject_access import register_section

        consequences.register()
        # A storyteller's copy of everything held about them includes their quotes.
        register_section(quotes)
        # The team's dashboard links a facilitator's workshops, reports and codebooks.
        add_to_dashboard(dashboard.facilitation)
