package session

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// FraudReported: a juror or the responsable de session filed a fraud report
// (R57).
type FraudReported struct {
	Report fraud.Report
	At     time.Time
}

func (FraudReported) sessionEvent() {}

// FraudReports returns the session's fraud reports, in filing order.
func (s *Session) FraudReports() []fraud.Report { return slices.Clone(s.frauds) }

// ReportFraud records the fraud report in of reporter, with id, at now
// (R57). A report is filed while the session is IN_PROGRESS or
// DELIBERATED: from the opening (the épreuves) to the last signature of
// the minutes, not on a PLANNED session (nothing was observed yet) nor on
// a CLOSED or CANCELLED one (fraud discovered after the session is a
// withdrawal, R59). A report on a candidacy names one of the session that
// was not withdrawn. The authorisation of the reporter (a juror of this
// jury, the organising centre) is the caller's.
//
// The minutes mention every report: when the jury already signed some of
// the minutes, those signatures are of a content without the report, so
// they are cleared and the minutes, drawn up again with the mention, are
// signed anew by every juror (FraudReportNotInMinutes for a juror who
// signs what they read before).
func (s *Session) ReportFraud(id string, in fraud.Input, reporter fraud.Reporter, now time.Time) (fraud.Report, error) {
	if s.state != StateInProgress && s.state != StateDeliberated {
		return fraud.Report{}, fraud.ErrOutsideSession.WithMeta("state", string(s.state))
	}
	if len(s.frauds) >= fraud.MaxPerSession {
		return fraud.Report{}, fraud.ErrTooMany.WithMeta("max", strconv.Itoa(fraud.MaxPerSession))
	}
	if err := fraud.Check(in, s.createdAt, now); err != nil {
		return fraud.Report{}, err
	}
	candidateID := ""
	if in.CandidacyID != "" {
		c, ok := s.candidacy(in.CandidacyID)
		if !ok {
			return fraud.Report{}, ErrCandidacyNotFound.WithMeta("candidacy", in.CandidacyID)
		}
		if c.Withdrawn() {
			return fraud.Report{}, fraud.ErrCandidacyWithdrawn.WithMeta("candidacy", in.CandidacyID)
		}
		candidateID = c.CandidateID
	}
	r := fraud.New(id, s.id, candidateID, in, reporter, s.minutesVersion, now)
	s.frauds = append(s.frauds, r)
	s.signatures = nil
	s.touch(now)
	s.record(FraudReported{Report: r, At: now})
	return r, nil
}

// mentionOf is the mention of r in the minutes.
func mentionOf(r fraud.Report) minutes.FraudMention {
	return minutes.FraudMention{
		ReportID: r.ID, CandidacyID: r.CandidacyID, CandidateID: r.CandidateID,
		ObservedAt: r.ObservedAt.UTC().Truncate(time.Second).Format(time.RFC3339), ReporterRole: string(r.Reporter.Role),
		ReporterName: r.Reporter.Name, Measure: string(r.Measure),
	}
}

// staleHash is the error for a signature of hash, which is not the hash of
// the current minutes m: FRAUD_REPORT_NOT_IN_MINUTES when hash is the
// minutes as drawn up before a report that they therefore do not mention
// (R57), MINUTES_CHANGED otherwise (R50).
func (s *Session) staleHash(hash string, m minutes.Minutes, h minutes.Hasher) error {
	for n := len(s.frauds) - 1; n >= 0; n-- {
		// The minutes as a juror read them before the n+1th report: the
		// signatures made then were cleared by it, and were in the
		// encoding of minutes without signature.
		c := s.content(n)
		earlier, err := h.Hash(minutes.EncodingFor(nil, s.minutesVersion, n), c)
		if err != nil {
			return err
		}
		if earlier == hash {
			missing := make([]string, 0, len(s.frauds)-n)
			for _, r := range s.frauds[n:] {
				missing = append(missing, r.ID)
			}
			return fraud.ErrNotInMinutes.WithMeta("content_hash", m.Hash).WithMeta("fraud_reports", strings.Join(missing, ","))
		}
	}
	return minutes.ErrChanged.WithMeta("content_hash", m.Hash)
}
