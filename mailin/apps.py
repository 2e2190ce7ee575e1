from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "mailin"
    verbose_name = "Email into the dialogue"

    def ready(self) -> None:
        from anymail.signals import inbound
        from django.core import checks

        from mailin.checks import check_imap_authentication
        from mailin.webhooks import receive_anymail_inbound

        checks.register(check_imap_authentication, checks.Tags.security)

        # Anymail's own signal (a library's, not one between our apps): the hosted provider's
        # webhook, its signature verified by Anymail, hands over the parsed message.
        inbound.connect(receive_anymail_inbound, dispatch_uid="mailin-anymail-inbound")
