package session

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Snapshot is the whole state of a session, for storage. Only a
// repository should build one by hand, to rehydrate a stored session with
// UnmarshalFromDatabase.
type Snapshot struct {
	ID, CentreID          string
	Type                  title.SessionType
	TitleID, TitleVersion string
	CCPs                  []string
	Site                  string
	Start, End, Deadline  civildate.Date
	State                 State
	Jurors                []jury.Juror
	Candidacies           []candidacy.Candidacy
	Evaluations           []evaluation.Evaluation
	Signatures            []minutes.Signature
	FraudReports          []fraud.Report  // in filing order (R57)
	MinutesVersion        int             // 0 reads as 1
	PreviousMinutesHash   string          // of the version returned
	Reopened              *minutes.Return // the return that opened MinutesVersion
	Request               RequestKey
	Version               int64
	CreatedAt, UpdatedAt  time.Time
	Part                  bool // a part of the session (Repository.GetPart)
}

// Snapshot returns a deep copy of the session's state.
func (s *Session) Snapshot() Snapshot {
	evals := make([]evaluation.Evaluation, 0, len(s.evaluations))
	for _, e := range s.evaluations {
		c := *e
		c.Items = slices.Clone(e.Items)
		evals = append(evals, c)
	}
	slices.SortFunc(evals, func(a, b evaluation.Evaluation) int {
		if c := strings.Compare(a.CandidacyID, b.CandidacyID); c != 0 {
			return c
		}
		return strings.Compare(a.JurorSubject, b.JurorSubject)
	})
	sum := s.Summary()
	return Snapshot{
		ID: s.id, CentreID: s.centreID, Type: s.typ, TitleID: s.titleID, TitleVersion: s.titleVersion,
		CCPs: sum.CCPs, Site: s.site, Start: s.start, End: s.end, Deadline: s.deadline, State: s.state,
		Jurors: s.Jurors(), Candidacies: s.Candidacies(), Evaluations: evals,
		Signatures: slices.Clone(s.signatures), FraudReports: slices.Clone(s.frauds), Request: s.request,
		MinutesVersion: s.minutesVersion, PreviousMinutesHash: s.previousHash, Reopened: s.Reopened(),
		Version: s.version, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt, Part: s.part,
	}
}

// UnmarshalFromDatabase rehydrates a stored session. It checks the
// invariants storage could break (state, ids of the parts), not the rules
// of the operations that built it.
func UnmarshalFromDatabase(snap Snapshot) (*Session, error) {
	switch snap.State {
	case StatePlanned, StateInProgress, StateDeliberated, StateClosed, StateCancelled:
	default:
		return nil, fmt.Errorf("session %s: unknown state %q", snap.ID, snap.State)
	}
	if !snap.Type.Valid() {
		return nil, fmt.Errorf("session %s: unknown type %q", snap.ID, snap.Type)
	}
	s := &Session{
		id: snap.ID, centreID: snap.CentreID, typ: snap.Type, titleID: snap.TitleID, titleVersion: snap.TitleVersion,
		ccps: slices.Clone(snap.CCPs), site: snap.Site, start: snap.Start, end: snap.End, deadline: snap.Deadline,
		state: snap.State, evaluations: map[evalKey]*evaluation.Evaluation{},
		signatures: slices.Clone(snap.Signatures), frauds: slices.Clone(snap.FraudReports), request: snap.Request,
		version: snap.Version, createdAt: snap.CreatedAt, updatedAt: snap.UpdatedAt, part: snap.Part,
		minutesVersion: max(snap.MinutesVersion, 1), previousHash: snap.PreviousMinutesHash,
	}
	if snap.Reopened != nil {
		r := *snap.Reopened
		r.CandidacyIDs = slices.Clone(r.CandidacyIDs)
		s.reopened = &r
	}
	for _, j := range snap.Jurors {
		j.Links = slices.Clone(j.Links)
		s.jurors = append(s.jurors, j)
	}
	slices.SortFunc(s.jurors, func(a, b jury.Juror) int { return strings.Compare(a.Subject, b.Subject) })
	for _, c := range snap.Candidacies {
		if c.SessionID != snap.ID {
			return nil, fmt.Errorf("session %s: candidacy %s belongs to session %s", snap.ID, c.ID, c.SessionID)
		}
		c = c.Clone()
		s.candidacies = append(s.candidacies, &c)
	}
	slices.SortFunc(s.candidacies, func(a, b *candidacy.Candidacy) int { return strings.Compare(a.ID, b.ID) })
	for _, r := range snap.FraudReports {
		if r.SessionID != snap.ID {
			return nil, fmt.Errorf("session %s: fraud report %s belongs to session %s", snap.ID, r.ID, r.SessionID)
		}
	}
	for _, e := range snap.Evaluations {
		if _, ok := s.candidacy(e.CandidacyID); !ok {
			return nil, fmt.Errorf("session %s: evaluation of unknown candidacy %s", snap.ID, e.CandidacyID)
		}
		e.Items = slices.Clone(e.Items)
		s.evaluations[evalKey{e.CandidacyID, e.JurorSubject}] = &e
	}
	return s, nil
}
