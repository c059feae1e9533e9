"""The studio's mail server: the settings that reach it, the connection the outbox sends
on, and the settings page's test mail, which reports what the server answered."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from proofroom.core.sealing import reseal, seal, unseal
from proofroom.studio.mail.models import MailSecurity, MailSettings
from proofroom.studio.studios import studio_get

TIMEOUT = 20


def mail_settings_get() -> MailSettings:
    """The desk's mail settings (an unsaved blank row before anyone saved them)."""
    return MailSettings.objects.order_by("pk").first() or MailSettings()


@transaction.atomic
def mail_settings_update(
    *,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str | None,
    sender: str,
) -> MailSettings:
    """Save the mail settings; ``password`` None keeps the stored one, "" clears it.
    The password is stored sealed (``core.sealing``), never as typed."""
    row = MailSettings.objects.select_for_update().order_by("pk").first() or MailSettings()
    row.host = host.strip()
    row.port = port
    row.security = security
    row.username = username.strip()
    row.sender = " ".join(sender.split())
    if password is not None:
        row.password_sealed = seal(password)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def mail_settings_reseal() -> int:
    """Seal the stored mail password with the newest secrets key (key rotation)."""
    changed = 0
    for row in MailSettings.objects.select_for_update():
        fresh = reseal(row.password_sealed)
        if fresh != row.password_sealed:
            MailSettings.objects.filter(pk=row.pk).update(password_sealed=fresh)
            changed += 1
    return changed


def sender_address(row: MailSettings | None = None) -> str:
    """Who the desk's mail is from: the settings' sender, the studio, or the process's."""
    row = row or mail_settings_get()
    if row.sender:
        return row.sender
    studio = studio_get()
    if studio is not None and studio.email:
        return formataddr((studio.name, studio.email))
    return str(settings.DEFAULT_FROM_EMAIL)


def reply_address() -> str:
    studio = studio_get()
    return studio.email if studio is not None else ""


def mail_connection(row: MailSettings | None = None) -> BaseEmailBackend:
    """A connection through the studio's server, or the process's own mail settings."""
    row = row or mail_settings_get()
    if not row.host:
        return get_connection(fail_silently=False)
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        fail_silently=False,
        host=row.host,
        port=row.port,
        username=row.username or None,
        password=unseal(row.password_sealed) if row.username else None,
        use_tls=row.security == MailSecurity.STARTTLS,
        use_ssl=row.security == MailSecurity.SSL,
        timeout=TIMEOUT,
    )


@dataclass
class TestReport:
    ok: bool
    lines: list[str] = field(default_factory=list)


def _answer(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {text.decode('utf-8', 'replace')}".strip()


def mail_test_send(*, to: str) -> TestReport:
    """Send a test message through the saved settings, line by line, and report every
    answer of the server (or why it could not be reached)."""
    row = mail_settings_get()
    if not row.host:
        raise ValidationError("Enter the SMTP server first (and save), then send a test mail.")
    report = TestReport(ok=False)
    sender = sender_address(row)
    message = EmailMessage(
        subject="Proofroom test mail",
        body="This is a test mail from your studio's desk: the mail settings work.",
        from_email=sender,
        to=[to],
        headers={"Message-ID": make_msgid(domain="proofroom.local")},
    )
    envelope_from = message.from_email
    connection: smtplib.SMTP | None = None
    try:
        if row.security == MailSecurity.SSL:
            connection = smtplib.SMTP_SSL(
                row.host, row.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(row.host, row.port, timeout=TIMEOUT)
        report.lines.append(f"Connected to {row.host}:{row.port}")
        report.lines.append("EHLO: " + _answer(connection.ehlo()))
        if row.security == MailSecurity.STARTTLS:
            report.lines.append(
                "STARTTLS: " + _answer(connection.starttls(context=ssl.create_default_context()))
            )
            connection.ehlo()
        if row.username:
            report.lines.append(
                "AUTH: " + _answer(connection.login(row.username, unseal(row.password_sealed)))
            )
        from email.utils import parseaddr

        report.lines.append("MAIL FROM: " + _answer(connection.mail(parseaddr(envelope_from)[1])))
        rcpt = connection.rcpt(to)
        report.lines.append("RCPT TO: " + _answer(rcpt))
        if rcpt[0] not in (250, 251):
            return report
        data = connection.data(message.message().as_bytes(linesep="\r\n"))
        report.lines.append("DATA: " + _answer(data))
        report.ok = data[0] == 250
    except smtplib.SMTPResponseException as error:
        report.lines.append(f"The server answered: {error.smtp_code} " + _text(error.smtp_error))
    except (smtplib.SMTPException, OSError) as error:
        report.lines.append(f"{type(error).__name__}: {error}")
    finally:
        if connection is not None:
            try:
                report.lines.append("QUIT: " + _answer(connection.quit()))
            except (smtplib.SMTPException, OSError):
                connection.close()
    return report


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
