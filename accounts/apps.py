from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import signals  # noqa: F401 (connects the receivers)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that asks for the second factor of accounts that have one."""

    default = False
    default_site = "accounts.admin_site.AdminSite"
