"""Population data of Kabupaten Trenggalek: kecamatan reports in, recapitulation and
consolidation with SIAK, and the plain files the site's Profil Perkembangan Kependudukan is
built from. See schema.py for the one description of those files."""
