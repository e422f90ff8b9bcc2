package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// recordDoc is the candidacies.record column: what happened to a
// candidacy besides its registration and deliberation (candidacy.Withdrawal,
// TransferredFrom, Attendance, Adjustments, ECF). Empty parts are left out,
// so a candidacy with none stores "{}".
type recordDoc struct {
	Withdrawal      *withdrawalDoc  `json:"withdrawal,omitempty"`
	TransferredFrom *refDoc         `json:"transferred_from,omitempty"`
	Attendance      []attendanceDoc `json:"attendance,omitempty"`
	Adjustments     []adjustmentDoc `json:"adjustments,omitempty"`
	ECF             []ecfDoc        `json:"ecf,omitempty"`
}

type refDoc struct {
	SessionID   string `json:"session_id"`
	CandidacyID string `json:"candidacy_id"`
}

type withdrawalDoc struct {
	By            string    `json:"by"`
	ByCandidate   bool      `json:"by_candidate,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	At            time.Time `json:"at"`
	TransferredTo *refDoc   `json:"transferred_to,omitempty"`
}

type attendanceDoc struct {
	Epreuve string    `json:"epreuve"`
	Present bool      `json:"present"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

type adjustmentDoc struct {
	Epreuve          string    `json:"epreuve"`
	ExtraMinutes     int       `json:"extra_minutes"`
	Arrangements     string    `json:"arrangements,omitempty"`
	AuthorisationRef string    `json:"authorisation_reference"`
	AuthorisedOn     string    `json:"authorisation_date"`
	EpreuveMinutes   int       `json:"epreuve_minutes,omitempty"`
	Exceptional      bool      `json:"exceptional,omitempty"`
	Justification    string    `json:"justification,omitempty"`
	By               string    `json:"by"`
	At               time.Time `json:"at"`
}

type ecfDoc struct {
	CCPCode    string    `json:"ccp_code"`
	Obtained   bool      `json:"obtained"`
	AssessedOn string    `json:"assessment_date"`
	Comment    string    `json:"comment,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

func refDocOf(r *candidacy.Ref) *refDoc {
	if r == nil {
		return nil
	}
	return &refDoc{SessionID: r.SessionID, CandidacyID: r.CandidacyID}
}

func refOf(d *refDoc) *candidacy.Ref {
	if d == nil {
		return nil
	}
	return &candidacy.Ref{SessionID: d.SessionID, CandidacyID: d.CandidacyID}
}

// recordColumn encodes the record of c.
func recordColumn(c candidacy.Candidacy) (string, error) {
	var d recordDoc
	if w := c.Withdrawal; w != nil {
		d.Withdrawal = &withdrawalDoc{By: w.By, ByCandidate: w.ByCandidate, Reason: w.Reason, At: dbTime(w.At), TransferredTo: refDocOf(w.TransferredTo)}
	}
	d.TransferredFrom = refDocOf(c.TransferredFrom)
	for _, a := range c.Attendance {
		d.Attendance = append(d.Attendance, attendanceDoc{Epreuve: string(a.Epreuve), Present: a.Present, By: a.By, At: dbTime(a.At)})
	}
	for _, a := range c.Adjustments {
		d.Adjustments = append(d.Adjustments, adjustmentDoc{
			Epreuve: string(a.Epreuve), ExtraMinutes: a.ExtraMinutes, Arrangements: a.Arrangements,
			AuthorisationRef: a.AuthorisationRef, AuthorisedOn: a.AuthorisedOn.String(), EpreuveMinutes: a.EpreuveMinutes,
			Exceptional: a.Exceptional, Justification: a.Justification, By: a.By, At: dbTime(a.At),
		})
	}
	for _, r := range c.ECF {
		d.ECF = append(d.ECF, ecfDoc{CCPCode: r.CCPCode, Obtained: r.Obtained, AssessedOn: r.AssessedOn.String(),
			Comment: r.Comment, By: r.By, At: dbTime(r.At)})
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	return string(b), nil
}

// recordOf decodes col into c.
func recordOf(col string, c *candidacy.Candidacy) error {
	var d recordDoc
	if err := json.Unmarshal([]byte(col), &d); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if w := d.Withdrawal; w != nil {
		c.Withdrawal = &candidacy.Withdrawal{By: w.By, ByCandidate: w.ByCandidate, Reason: w.Reason, At: dbTime(w.At), TransferredTo: refOf(w.TransferredTo)}
	}
	c.TransferredFrom = refOf(d.TransferredFrom)
	for _, a := range d.Attendance {
		c.Attendance = append(c.Attendance, candidacy.Attendance{Epreuve: title.EpreuveKind(a.Epreuve), Present: a.Present, By: a.By, At: dbTime(a.At)})
	}
	for _, a := range d.Adjustments {
		on, err := civildate.Parse(a.AuthorisedOn)
		if err != nil {
			return fmt.Errorf("record: adjustment: %w", err)
		}
		c.Adjustments = append(c.Adjustments, candidacy.Adjustment{
			Epreuve: title.EpreuveKind(a.Epreuve), ExtraMinutes: a.ExtraMinutes, Arrangements: a.Arrangements,
			AuthorisationRef: a.AuthorisationRef, AuthorisedOn: on, EpreuveMinutes: a.EpreuveMinutes,
			Exceptional: a.Exceptional, Justification: a.Justification, By: a.By, At: dbTime(a.At),
		})
	}
	for _, r := range d.ECF {
		on, err := civildate.Parse(r.AssessedOn)
		if err != nil {
			return fmt.Errorf("record: ECF: %w", err)
		}
		c.ECF = append(c.ECF, candidacy.ECFResult{CCPCode: r.CCPCode, Obtained: r.Obtained, AssessedOn: on, Comment: r.Comment, By: r.By, At: dbTime(r.At)})
	}
	return nil
}
