"""The complaint forms. Fields only: every rule about what is acceptable lives in the domain
(portal.domain.complaints.validate), whose messages are attached to the fields here."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField

from wtforms.fields.choices import SelectChoice

from ..domain import complaints, regions


def _choices(placeholder: str, pairs) -> list[SelectChoice]:
    return [SelectChoice("", placeholder)] + [SelectChoice(value, label) for value, label in pairs]


class ComplaintForm(FlaskForm):
    # How the form marks what complaints.validate refuses to leave empty (the rule itself lives
    # there; tests/test_citizen_form.py derives the required fields from it and checks these marks):
    # True when always required, else the sentence saying when.
    REQUIRED = {
        "visibility": True, "category": True, "kecamatan": True, "desa": True, "body": True, "consent": True,
        "name": "Wajib diisi, kecuali untuk pengaduan anonim.",
        "email": "Wajib diisi e-mail atau nomor telepon (salah satu), kecuali untuk pengaduan anonim.",
        "phone": "Wajib diisi nomor telepon atau e-mail (salah satu), kecuali untuk pengaduan anonim.",
    }

    name = StringField("Nama lengkap")
    email = StringField("Alamat e-mail")
    phone = StringField("Nomor telepon/WhatsApp")
    nik = StringField("NIK (tidak wajib)")
    category = SelectField("Kategori", validate_choice=False)
    kecamatan = SelectField("Kecamatan", validate_choice=False)
    desa = SelectField("Desa/kelurahan", validate_choice=False)
    body = TextAreaField("Isi pengaduan")
    files = MultipleFileField("Lampiran (tidak wajib)")
    visibility = RadioField("Sifat pengaduan", default="rahasia", validate_choice=False,
                            choices=[SelectChoice(k, v) for k, v in complaints.VISIBILITIES.items()])
    consent = BooleanField("Saya menyetujui pemrosesan data pribadi saya untuk penanganan pengaduan ini")
    # Hidden from people by CSS and from screen readers; bots fill every field they find.
    website = StringField("Jangan diisi")

    def fill_choices(self, catalog) -> None:
        self.category.choices = _choices("Pilih kategori", catalog.categories.items())
        self.kecamatan.choices = _choices("Pilih kecamatan", ((k.kode, k.nama) for k in regions.kecamatan_list()))
        # Grouped by kecamatan so that the list works without JavaScript, too.
        self.desa.choices = [SelectChoice("", "Pilih desa/kelurahan")] + [
            SelectChoice(d.kode, d.nama, optgroup=f"Kecamatan {k.nama}")
            for k in regions.kecamatan_list() for d in regions.desa_list(k.kode)
        ]

    def show_errors(self, errors: dict[str, str]) -> None:
        for field_name, message in errors.items():
            getattr(self, field_name).errors = [message]


class OperatorEntryForm(ComplaintForm):
    channel = SelectField("Saluran", validate_choice=False)
    # Parsed by the view, so that a wrong value gets an Indonesian message like every other field.
    received_at = StringField("Tanggal dan jam diterima", render_kw={"type": "datetime-local"})
    lapor_id = StringField("Nomor tracking SP4N-LAPOR!")

    def fill_choices(self, catalog) -> None:
        super().fill_choices(catalog)
        self.channel.choices = _choices("Pilih saluran", ((k, v) for k, v in catalog.channels.items() if k != "web"))


class TrackForm(FlaskForm):
    code = StringField("Kode pelacakan")


class AddInformationForm(FlaskForm):
    code = StringField()
    body = TextAreaField("Informasi tambahan")
    files = MultipleFileField("Lampiran (tidak wajib)")
