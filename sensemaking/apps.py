from django.apps import AppConfig


class SensemakingConfig(AppConfig):
    name = "sensemaking"
    verbose_name = "Sense-making"

    def ready(self) -> None:
        from sensemaking import consequences

        consequences.register()
