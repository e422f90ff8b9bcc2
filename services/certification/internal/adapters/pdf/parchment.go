package pdf

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/titrepro/titrepro/internal/pdfdoc"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

var _ query.ParchmentPrinter = Printer{}

// qrSize is the printed size of the QR code, in millimetres: large enough
// for a phone to read a code of some 500 characters at arm's length.
const qrSize = 60.0

// qrPixelsPerModule draws every module of the QR code as the same whole
// number of pixels. A fixed image width would scale modules by a fraction
// (some 6 pixels wide, others 7), which readers that measure one module
// and count the rest then misjudge.
const qrPixelsPerModule = 8

// ParchmentPDF implements query.ParchmentPrinter: the titre professionnel,
// or the livret de certification for a partial award (the CCPs held, each
// with its session and jury date), with the QR code of its verification
// address and signed proof. A duplicate says so under the title, with its
// date of issue.
func (Printer) ParchmentPDF(p query.Parchment) ([]byte, error) {
	c := p.Certificate
	kind := "Titre professionnel"
	if c.Kind == certificate.Livret {
		kind = "Livret de certification"
	}
	footer := fmt.Sprintf("Certificat %s, signé par la clé %s", c.Number, c.KeyID)
	d := pdfdoc.New(kind+" "+string(c.Number), footer, c.IssuedAt)
	d.Centred("République française — Ministère chargé de l'emploi", 10, false)
	d.Space(4)
	d.Title(kind)
	if p.Duplicate {
		d.Centred("DUPLICATA délivré le "+pdfdoc.DateFR(p.PrintedAt), 13, true)
		d.Space(3)
	}
	label := c.TitleLabel
	if label == "" {
		label = p.Title.Label
	}
	d.Centred(label, 13, true)
	d.Space(4)

	d.Field("Délivré à", c.Holder.HolderName())
	if c.Holder.BirthDate != "" {
		born := pdfdoc.CivilDateFR(c.Holder.BirthDate)
		if c.Holder.BirthCommune != "" {
			born += " à " + c.Holder.BirthCommune
		}
		if c.Holder.BirthCountryCode != "" && c.Holder.BirthCountryCode != "FR" {
			born += " (" + c.Holder.BirthCountryCode + ")"
		}
		d.Field("Né(e) le", born)
	}
	d.Field("Titre", c.TitleCode+" (version "+c.TitleVersion+")")
	d.Field("Niveau", fmt.Sprintf("%d (cadre national des certifications professionnelles)", c.TitleLevel))
	if t := p.Title; t.NSF != "" {
		nsf := t.NSF
		if t.NSFLabel != "" {
			nsf += " — " + t.NSFLabel
		}
		d.Field("Code NSF", nsf)
	}
	if p.Title.RNCPID != "" {
		d.Field("Fiche RNCP", p.Title.RNCPID)
	}
	d.Field("Session", c.SessionID)
	d.Field("Date du jury", pdfdoc.CivilDateFR(c.JuryDate))
	if c.ByCapitalisation {
		d.Text(0, "Titre obtenu par capitalisation de certificats de compétences professionnelles obtenus lors de sessions successives.")
	}

	if c.Kind == certificate.Livret {
		d.Heading("Certificats de compétences professionnelles obtenus")
	} else {
		d.Heading("Certificats de compétences professionnelles")
	}
	for _, k := range c.Ccps {
		l := k.Code
		if k.Label != "" {
			l += " — " + k.Label
		}
		d.Strong(0, l)
		d.Text(4, "Session "+k.SessionID+", jury du "+pdfdoc.CivilDateFR(k.JuryDate))
	}

	d.Heading("Certificat")
	d.Field("Numéro", string(c.Number))
	d.Field("Délivré le", pdfdoc.CivilDateFR(c.IssueDate))
	png, err := qrcode.Encode(p.URL, qrcode.Medium, -qrPixelsPerModule)
	if err != nil {
		return nil, fmt.Errorf("pdf: QR code: %w", err)
	}
	d.Space(3)
	d.PNG("qr", png, qrSize)
	d.Space(2)
	verify, _, _ := strings.Cut(p.URL, "#")
	d.Text(0, "Vérifiez ce document en lisant le code QR ou à l'adresse "+verify+
		" : le code porte une preuve signée, vérifiable sans connexion avec les clés publiées par l'autorité de certification.")
	return d.Bytes()
}
