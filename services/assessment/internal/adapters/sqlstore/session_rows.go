package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// A session is stored as rows in five tables. image is the set of rows a
// session maps to; saving writes the difference between the image loaded
// and the image after the change, so that an operation that touches one
// evaluation writes one evaluation row. Every row type is comparable.
type image struct {
	session     sessionRow
	jurors      map[string]jurorRow
	candidacies map[string]candidacyRow
	evaluations map[evalKey]evaluationRow
	signatures  map[string]signatureRow
	frauds      map[string]fraudRow // by id (R57)
	// minutesVersion is the session's current minutes version, which
	// writeMinutesVersions compares before and after a change.
	minutesVersion int
}

type sessionRow struct {
	id, centreID, typ, titleID, titleVersion, ccps, site string
	start, end, deadline, state                          string
	version                                              int64
	createdBy, requestID, requestHash                    string
	createdAt, updatedAt                                 time.Time
}

type jurorRow struct {
	subject, name, habNumber, habTitle, habFrom, habTo, links string
	assignedAt                                                time.Time
	linksDeclaredAt                                           sql.NullTime // the juror's own declaration (R21)
}

type candidacyRow struct {
	id, candidateID, candidateSubject, candidateName, trainingOrganisation string
	ccps, employer, snapshotID, manifestHash                               string
	submittedAt, releasedAt                                                sql.NullTime
	deliberation                                                           sql.NullString
	accessRoute, record                                                    string
	version                                                                int64
	createdBy, requestID, requestHash                                      string
	createdAt, updatedAt                                                   time.Time
}

type evalKey struct{ candidacyID, juror string }

type evaluationRow struct {
	candidacyID, juror, items string
	version                   int64
	updatedAt                 time.Time
}

type signatureRow struct {
	juror, name, hash string
	encoding          string // minutes.Encoding of hash
	signedAt          time.Time
	seq               int64
}

// imageOf maps a session to its rows.
func imageOf(s *session.Session) (image, error) {
	snap := s.Snapshot()
	ccps, err := strs(snap.CCPs)
	if err != nil {
		return image{}, err
	}
	img := image{
		session: sessionRow{
			id: snap.ID, centreID: snap.CentreID, typ: string(snap.Type), titleID: snap.TitleID, titleVersion: snap.TitleVersion,
			ccps: ccps, site: snap.Site, start: snap.Start.String(), end: snap.End.String(), deadline: snap.Deadline.String(),
			state: string(snap.State), version: snap.Version,
			createdBy: snap.Request.CreatedBy, requestID: snap.Request.RequestID, requestHash: snap.Request.RequestHash,
			createdAt: dbTime(snap.CreatedAt), updatedAt: dbTime(snap.UpdatedAt),
		},
		jurors:      map[string]jurorRow{},
		candidacies: map[string]candidacyRow{},
		evaluations: map[evalKey]evaluationRow{},
		signatures:  map[string]signatureRow{},
		frauds:      map[string]fraudRow{},

		minutesVersion: s.MinutesVersion(),
	}
	for _, j := range snap.Jurors {
		row, err := jurorRowOf(j)
		if err != nil {
			return image{}, err
		}
		img.jurors[j.Subject] = row
	}
	for _, c := range snap.Candidacies {
		row, err := candidacyRowOf(c)
		if err != nil {
			return image{}, err
		}
		img.candidacies[c.ID] = row
	}
	for _, e := range snap.Evaluations {
		items, err := itemsColumn(e.Items)
		if err != nil {
			return image{}, err
		}
		img.evaluations[evalKey{e.CandidacyID, e.JurorSubject}] = evaluationRow{
			candidacyID: e.CandidacyID, juror: e.JurorSubject, items: items, version: e.Version, updatedAt: dbTime(e.UpdatedAt),
		}
	}
	for i, r := range snap.FraudReports {
		img.frauds[r.ID] = fraudRowOf(r, i)
	}
	for i, sig := range snap.Signatures {
		img.signatures[sig.JurorSubject] = signatureRow{
			juror: sig.JurorSubject, name: sig.JurorName, hash: sig.ContentHash, encoding: string(sig.Encoding),
			signedAt: dbTime(sig.SignedAt), seq: int64(i),
		}
	}
	return img, nil
}

func jurorRowOf(j jury.Juror) (jurorRow, error) {
	links, err := linksColumn(j.Links)
	if err != nil {
		return jurorRow{}, err
	}
	h := j.Habilitation
	return jurorRow{
		subject: j.Subject, name: j.DisplayName, habNumber: h.Number, habTitle: h.TitleID,
		habFrom: h.ValidFrom.String(), habTo: h.ValidTo.String(), links: links, assignedAt: dbTime(j.AssignedAt),
		linksDeclaredAt: sql.NullTime{Time: dbTime(j.LinksDeclaredAt), Valid: !j.LinksDeclaredAt.IsZero()},
	}, nil
}

func candidacyRowOf(c candidacy.Candidacy) (candidacyRow, error) {
	ccps, err := strs(c.Scope)
	if err != nil {
		return candidacyRow{}, err
	}
	delib, err := deliberationColumn(c.Deliberation)
	if err != nil {
		return candidacyRow{}, err
	}
	record, err := recordColumn(c)
	if err != nil {
		return candidacyRow{}, err
	}
	row := candidacyRow{
		accessRoute: string(c.AccessRoute), record: record,
		id: c.ID, candidateID: c.CandidateID, candidateSubject: c.CandidateSubject, candidateName: c.CandidateName,
		trainingOrganisation: c.TrainingOrganisation, ccps: ccps, employer: c.Employer, deliberation: delib,
		version: c.Version, createdBy: c.Request.CreatedBy, requestID: c.Request.RequestID, requestHash: c.Request.RequestHash,
		createdAt: dbTime(c.CreatedAt), updatedAt: dbTime(c.UpdatedAt),
	}
	if c.Released() {
		row.releasedAt = sql.NullTime{Time: dbTime(c.ReleasedAt), Valid: true}
	}
	if d := c.Dossier; d != nil {
		row.snapshotID, row.manifestHash = d.SnapshotID, d.ManifestHash
		row.submittedAt = sql.NullTime{Time: dbTime(d.SubmittedAt), Valid: true}
	}
	return row, nil
}

// snapshotOf rebuilds the domain snapshot from stored rows.
func snapshotOf(img image, jurors []jurorRow, candidacies []candidacyRow, evals []evaluationRow, sigs []signatureRow) (session.Snapshot, error) {
	r := img.session
	snap := session.Snapshot{
		ID: r.id, CentreID: r.centreID, Type: titleType(r.typ), TitleID: r.titleID, TitleVersion: r.titleVersion,
		Site: r.site, State: session.State(r.state), Version: r.version,
		Request:   session.RequestKey{CreatedBy: r.createdBy, RequestID: r.requestID, RequestHash: r.requestHash},
		CreatedAt: r.createdAt, UpdatedAt: r.updatedAt,
	}
	var err error
	if snap.CCPs, err = strsOf(r.ccps); err != nil {
		return session.Snapshot{}, fmt.Errorf("ccp_codes: %w", err)
	}
	if snap.Start, snap.End, snap.Deadline, err = dates(r.start, r.end, r.deadline); err != nil {
		return session.Snapshot{}, err
	}
	for _, j := range jurors {
		juror, err := jurorOf(j)
		if err != nil {
			return session.Snapshot{}, fmt.Errorf("juror %s: %w", j.subject, err)
		}
		snap.Jurors = append(snap.Jurors, juror)
	}
	for _, c := range candidacies {
		cy, err := candidacyOf(r.id, c)
		if err != nil {
			return session.Snapshot{}, fmt.Errorf("candidacy %s: %w", c.id, err)
		}
		snap.Candidacies = append(snap.Candidacies, cy)
	}
	for _, e := range evals {
		items, err := itemsOf(e.items)
		if err != nil {
			return session.Snapshot{}, fmt.Errorf("evaluation %s/%s: %w", e.candidacyID, e.juror, err)
		}
		snap.Evaluations = append(snap.Evaluations, evaluation.Evaluation{
			CandidacyID: e.candidacyID, JurorSubject: e.juror, Items: items, Version: e.version, UpdatedAt: e.updatedAt,
		})
	}
	for _, s := range sigs {
		snap.Signatures = append(snap.Signatures, minutes.Signature{JurorSubject: s.juror, JurorName: s.name, SignedAt: s.signedAt,
			ContentHash: s.hash, Encoding: minutes.Encoding(s.encoding)})
	}
	return snap, nil
}

func jurorOf(j jurorRow) (jury.Juror, error) {
	links, err := linksOf(j.links)
	if err != nil {
		return jury.Juror{}, err
	}
	from, to, _, err := dates(j.habFrom, j.habTo, j.habTo)
	if err != nil {
		return jury.Juror{}, err
	}
	out := jury.Juror{
		Subject: j.subject, DisplayName: j.name, Links: links, AssignedAt: j.assignedAt,
		Habilitation: jury.Habilitation{Number: j.habNumber, TitleID: j.habTitle, ValidFrom: from, ValidTo: to},
	}
	if j.linksDeclaredAt.Valid {
		out.LinksDeclaredAt = j.linksDeclaredAt.Time
	}
	return out, nil
}

func candidacyOf(sessionID string, c candidacyRow) (candidacy.Candidacy, error) {
	scope, err := strsOf(c.ccps)
	if err != nil {
		return candidacy.Candidacy{}, fmt.Errorf("ccp_codes: %w", err)
	}
	delib, err := deliberationOf(c.deliberation)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	cy := candidacy.Candidacy{
		ID: c.id, SessionID: sessionID, CandidateID: c.candidateID, CandidateSubject: c.candidateSubject,
		CandidateName: c.candidateName, TrainingOrganisation: c.trainingOrganisation, Scope: scope, Employer: c.employer,
		Deliberation: delib, Version: c.version,
		Request:   candidacy.RequestKey{CreatedBy: c.createdBy, RequestID: c.requestID, RequestHash: c.requestHash},
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt,
	}
	if c.releasedAt.Valid {
		cy.ReleasedAt = c.releasedAt.Time
	}
	cy.AccessRoute = candidate.AccessRoute(c.accessRoute)
	if err := recordOf(c.record, &cy); err != nil {
		return candidacy.Candidacy{}, err
	}
	if c.submittedAt.Valid {
		cy.Dossier = &candidacy.Dossier{SnapshotID: c.snapshotID, ManifestHash: c.manifestHash, SubmittedAt: c.submittedAt.Time}
	}
	return cy, nil
}
