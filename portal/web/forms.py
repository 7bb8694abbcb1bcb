"""The complaint forms. Fields only: every rule about what is acceptable lives in the domain
(portal.domain.complaints.validate), whose messages are attached to the fields here."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, MultipleFileField, RadioField, SelectField,
                     StringField, TextAreaField)

from ..domain import complaints, regions


class ComplaintForm(FlaskForm):
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
                            choices=list(complaints.VISIBILITIES.items()))
    consent = BooleanField("Saya menyetujui pemrosesan data pribadi saya untuk penanganan pengaduan ini")
    # Hidden from people by CSS and from screen readers; bots fill every field they find.
    website = StringField("Jangan diisi")

    def fill_choices(self, catalog) -> None:
        self.category.choices = [("", "Pilih kategori")] + list(catalog.categories.items())
        self.kecamatan.choices = [("", "Pilih kecamatan")] + [(k.kode, k.nama) for k in regions.kecamatan_list()]
        # Grouped by kecamatan so that the list works without JavaScript, too.
        self.desa.choices = {"": [("", "Pilih desa/kelurahan")]} | {
            f"Kecamatan {k.nama}": [(d.kode, d.nama) for d in regions.desa_list(k.kode)]
            for k in regions.kecamatan_list()
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        for field_name, message in errors.items():
            getattr(self, field_name).errors = [message]


class OperatorEntryForm(ComplaintForm):
    channel = SelectField("Saluran", validate_choice=False)
    received_at = DateTimeLocalField("Tanggal dan jam diterima", format="%Y-%m-%dT%H:%M")
    lapor_id = StringField("Nomor tracking SP4N-LAPOR!")

    def fill_choices(self, catalog) -> None:
        super().fill_choices(catalog)
        self.channel.choices = [("", "Pilih saluran")] + [
            (k, v) for k, v in catalog.channels.items() if k != "web"]


class TrackForm(FlaskForm):
    code = StringField("Kode pelacakan")


class AddInformationForm(FlaskForm):
    code = StringField()
    body = TextAreaField("Informasi tambahan")
    files = MultipleFileField("Lampiran (tidak wajib)")
