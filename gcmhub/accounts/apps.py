from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gcmhub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from gcmhub.accounts import receivers  # noqa: F401
