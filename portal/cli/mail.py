"""Hands outbox messages to the SMTP server through Flask-Mail."""

from __future__ import annotations

from flask_mail import Mail, Message

from ..domain.outbox import Mail as QueuedMail

mail = Mail()


def transport(queued: QueuedMail) -> None:
    message = Message(subject=queued.subject, recipients=[queued.recipient], body=queued.body,
                      html=queued.html)
    # Flask-Mail writes msgId as the one Message-ID header; giving it again in extra_headers
    # would add a second one. The fixed id is what makes a repeat recognisable.
    message.msgId = queued.message_id
    mail.send(message)
