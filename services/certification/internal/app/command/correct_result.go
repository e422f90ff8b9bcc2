package command

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func withCorrected(e award.Event, correctedVersion int) award.Event {
	v := e.(award.ResultsValidated)
	v.CorrectedVersion = correctedVersion
	return v
}

// correct applies the validation of r, a version correcting the validated
// version correctedVersion of the same session (R51: a material error
// returned after the validation), to the awards: for each person whose
// CCPs obtained at the session changed, the CCPs the record holds from
// the session and no longer obtained are revoked, and so are the
// certificates issued from the session (AwardsCorrected); then the
// corrected decision is awarded as a validation awards it (R52–R54), with
// its CcpAwarded, TitleAwarded and LivretIssued events. People whose
// decision did not change keep their awards untouched. Nothing is deleted:
// revoked CCPs and certificates stay on record.
func (h ValidateResultHandler) correct(ctx context.Context, u ValidationUnit, r result.SessionResult, correctedVersion int,
	title catalogue.Published, now time.Time,
) ([]award.Event, []certificate.Certificate, error) {
	before, err := u.ResultVersion(ctx, r.SessionID, correctedVersion)
	if err != nil {
		return nil, nil, err
	}
	was, is := obtainedMap(before), obtainedMap(r)
	var people []string
	for id := range was {
		people = append(people, id)
	}
	for id := range is {
		if _, ok := was[id]; !ok {
			people = append(people, id)
		}
	}
	slices.SortFunc(people, strings.Compare) // lock records in one order
	var (
		events []award.Event
		certs  []certificate.Certificate
	)
	t := title.Title
	for _, id := range people {
		if !award.Changed(was[id], is[id]) {
			continue
		}
		if _, err := u.LockHolder(ctx, id); err != nil {
			return nil, nil, err
		}
		held, err := u.HeldCcps(ctx, id, t.Code, t.Version)
		if err != nil {
			return nil, nil, err
		}
		revoked := award.Revoked(r.SessionID, is[id], held)
		numbers, err := u.Revoke(ctx, id, r.SessionID, revoked, correctedVersion, max(r.Version, 1), now)
		if err != nil {
			return nil, nil, err
		}
		ev := award.AwardsCorrected{CandidateID: id, SessionID: r.SessionID, TitleCode: t.Code, TitleVersion: t.Version,
			CorrectedVersion: correctedVersion, CorrectedHash: before.MinutesHash, MinutesVersion: max(r.Version, 1),
			MinutesHash: r.MinutesHash, RevokedCertificates: numbers, At: now}
		for _, h := range revoked {
			ev.RevokedCcps = append(ev.RevokedCcps, h.CcpCode)
		}
		events = append(events, ev)
		if len(is[id]) == 0 {
			continue
		}
		cert, evs, err := h.awardCandidate(ctx, u, r, title, id, is[id], now)
		if err != nil {
			return nil, nil, err
		}
		events = append(events, evs...)
		if cert != nil {
			certs = append(certs, *cert)
		}
	}
	return events, certs, nil
}

// obtainedMap returns the CCPs each person obtained in r, people who
// obtained nothing included (with none).
func obtainedMap(r result.SessionResult) map[string][]string {
	out := map[string][]string{}
	for _, l := range r.Lines {
		out[l.CandidateID] = append(out[l.CandidateID], l.Obtained()...)
	}
	return out
}
