package notice

import (
	"strings"
	"time"
)

// The ministry's decisions about a person (issue 10): the withdrawal of a
// certificate (R59), the decision on an appeal (R60) and a sanction after a
// fraud (R58). Each is told to the person it concerns, once: the first two
// from the certification events (CertificateWithdrawn, AppealDecided), the
// sanction in the transaction that records it (the candidate service
// pronounces it).
//
// What a message may say is what the event or the record carries. The
// motivation of a withdrawal and of the decision on an appeal is not in the
// events (they go to the ministry's partners): the message says that the
// decision itself, notified to the person, gives its reasons. A sanction's
// motivation is the candidate service's own record, written by the officer
// for the decision notified to the person, who has a right to it (a
// sanction is a decision that must be motivated): the message reproduces
// it verbatim, and nothing else about the fraud.

// Kinds of the decisions' messages.
const (
	KindCertificateWithdrawn Kind = "certificate_withdrawn"
	KindAppealDecided        Kind = "appeal_decided"
	KindSanction             Kind = "sanction_pronounced"
)

// Withdrawal is a certificate withdrawn by a decision of the administrative
// authority (CertificateWithdrawn, R59).
type Withdrawal struct {
	CertificateNumber string
	Livret            bool // a livret de certification; otherwise the titre
	TitleID           string
	TitleVersion      string
	TitleLabel        string
	WithdrawnCCPs     []string // CCPs the decision takes off the holder's record
	Reference         string   // the decision's reference (arrêté number)
	DecidedOn         string   // "YYYY-MM-DD"
}

// AppealKind is the kind of an appeal.
type AppealKind string

// The kinds of appeal.
const (
	AppealGracieux     AppealKind = "gracieux"
	AppealHierarchique AppealKind = "hierarchique"
	AppealContentieux  AppealKind = "contentieux"
)

// AppealOutcome is the outcome of an appeal.
type AppealOutcome string

// The outcomes of an appeal.
const (
	AppealUpheld    AppealOutcome = "upheld"    // the decision appealed stands
	AppealReformed  AppealOutcome = "reformed"  // annulled or reformed
	AppealDismissed AppealOutcome = "dismissed" // not receivable
)

// AppealDecision is the outcome of an appeal against a decision about the
// person (AppealDecided, R60).
type AppealDecision struct {
	Kind                 AppealKind
	Decision             string // the decision appealed, by resource name
	Outcome              AppealOutcome
	DecidedOn            string // "YYYY-MM-DD"
	RestoredCertificates []string
	RestoredCCPs         []string
}

// SanctionKind is the kind of a sanction.
type SanctionKind string

// The kinds of sanction (R58).
const (
	SanctionExclusion SanctionKind = "exclusion"
	SanctionBan       SanctionKind = "ban"
)

// Sanction is a sanction pronounced against the person (R58).
type Sanction struct {
	ID             string
	Kind           SanctionKind
	DurationMonths int
	NotifiedOn     string // "YYYY-MM-DD"
	// EndsOn is, for a ban, the first day the person may register again
	// (the ban covers NotifiedOn up to the day before EndsOn).
	EndsOn     string
	Reference  string
	Motivation string
	SessionID  string
}

// LastDay is the last day of a ban: the day before EndsOn, "" when EndsOn
// is not a date.
func (s Sanction) LastDay() string {
	d, err := time.Parse(time.DateOnly, s.EndsOn)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, -1).Format(time.DateOnly)
}

// decisionTitle names the title of a withdrawn certificate.
func (w Withdrawal) title() (name, full string) {
	name, full = w.TitleID, w.TitleID+", version "+w.TitleVersion
	if w.TitleLabel != "" {
		name, full = w.TitleLabel, w.TitleLabel+" ("+w.TitleID+", version "+w.TitleVersion+")"
	}
	return name, full
}

func greet(p Person) string {
	if n := strings.TrimSpace(p.Name); n != "" {
		return n
	}
	return "Madame, Monsieur"
}

// CertificateWithdrawn tells the holder their certificate was withdrawn.
func CertificateWithdrawn(w Withdrawal, p Person) Content {
	v := view{Name: greet(p), W: w}
	v.TitleName, v.TitleFull = w.title()
	v.Document = "titre professionnel"
	if w.Livret {
		v.Document = "livret de certification du titre professionnel"
	}
	v.CCPs = w.WithdrawnCCPs
	return render("certificate_withdrawn", v)
}

// AppealDecided tells the person concerned by the decision appealed the
// outcome of the appeal.
func AppealDecided(a AppealDecision, p Person) Content {
	v := view{Name: greet(p), A: a}
	v.AppealKind = map[AppealKind]string{AppealGracieux: "gracieux", AppealHierarchique: "hiérarchique",
		AppealContentieux: "contentieux"}[a.Kind]
	switch target, id, _ := strings.Cut(a.Decision, "/"); target {
	case "withdrawals":
		v.Appealed = "la décision de retrait de votre certification"
	case "certificates":
		v.Appealed = "la décision relative à votre certificat n° " + id
	case "results":
		session, _, _ := strings.Cut(id, "/")
		v.Appealed = "les résultats qui vous ont été attribués à la session " + session
	default:
		v.Appealed = "une décision vous concernant"
	}
	v.Outcome = map[AppealOutcome]string{AppealUpheld: "maintenue", AppealReformed: "réformée",
		AppealDismissed: "rejeté comme irrecevable"}[a.Outcome]
	v.CCPs = a.RestoredCCPs
	return render("appeal_decided", v)
}

// SanctionPronounced tells the person a sanction pronounced against them.
func SanctionPronounced(s Sanction, p Person) Content {
	return render("sanction_pronounced", view{Name: greet(p), Sa: s, Reason: strings.TrimSpace(s.Motivation)})
}
