"""Hands outbox messages to the SMTP server through Flask-Mail."""

from __future__ import annotations

from flask_mail import Mail, Message

from .domain.outbox import Mail as QueuedMail

mail = Mail()


def transport(queued: QueuedMail) -> None:
    message = Message(subject=queued.subject, recipients=[queued.recipient], body=queued.body,
                      extra_headers={"Message-ID": queued.message_id})
    message.msgId = queued.message_id
    mail.send(message)
