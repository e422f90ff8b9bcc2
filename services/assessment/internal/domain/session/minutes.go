package session

import (
	"fmt"
	"slices"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// Minutes returns the minutes of a DELIBERATED or CLOSED session: a line
// per candidacy, the jury, the content hash computed by h and the
// signatures. The hash is in the encoding of the first signature, or the
// one of the minutes version before any (minutes.EncodingFor).
func (s *Session) Minutes(h minutes.Hasher) (minutes.Minutes, error) {
	if s.state != StateDeliberated && s.state != StateClosed {
		return minutes.Minutes{}, ErrNotDeliberated
	}
	content := s.content(len(s.frauds))
	enc := minutes.EncodingFor(s.signatures, s.minutesVersion, len(content.FraudReports))
	hash, err := h.Hash(enc, content)
	if err != nil {
		return minutes.Minutes{}, fmt.Errorf("session %s: hash minutes: %w", s.id, err)
	}
	m := minutes.Minutes{Content: content, Encoding: enc, Hash: hash, Signatures: slices.Clone(s.signatures)}
	for _, j := range content.Jurors {
		if !m.SignedBy(j.Subject) {
			m.Unsigned = append(m.Unsigned, j.Subject)
		}
	}
	return m, nil
}

// content draws up the minutes from the deliberations and the first n
// fraud reports.
func (s *Session) content(n int) minutes.Content {
	c := minutes.Content{
		SessionID: s.id, CentreID: s.centreID, Type: s.typ, TitleID: s.titleID, TitleVersion: s.titleVersion,
		JuryDate: s.end.String(), Version: s.minutesVersion, PreviousHash: s.previousHash,
	}
	for _, cy := range s.candidacies {
		if cy.Withdrawn() {
			continue // not deliberated, not in the minutes
		}
		line := minutes.Line{CandidacyID: cy.ID, CandidateID: cy.CandidateID}
		if cy.Dossier != nil {
			line.DossierManifestHash = cy.Dossier.ManifestHash
		}
		if d := cy.Deliberation; d != nil {
			line.Decisions = slices.Clone(d.Decisions)
			line.Outcome = d.Outcome
		}
		c.Lines = append(c.Lines, line)
	}
	for _, j := range s.jurors {
		c.Jurors = append(c.Jurors, minutes.Juror{Subject: j.Subject, Name: j.DisplayName})
	}
	for _, r := range s.frauds[:n] {
		c.FraudReports = append(c.FraudReports, mentionOf(r))
	}
	return c
}

// Sign records juror's signature of the minutes of a DELIBERATED session,
// bound to hash, which must be the current content hash (R50). A juror
// signs once. The last signature closes the session: it is immutable from
// then on, and MinutesSigned carries every decision and signature.
func (s *Session) Sign(juror, hash string, h minutes.Hasher, now time.Time) (minutes.Minutes, error) {
	j, ok := s.juror(juror)
	if !ok {
		return minutes.Minutes{}, ErrJurorNotAssigned
	}
	if slices.ContainsFunc(s.signatures, func(sig minutes.Signature) bool { return sig.JurorSubject == juror }) {
		return minutes.Minutes{}, minutes.ErrAlreadySigned
	}
	if err := s.writable(); err != nil {
		return minutes.Minutes{}, err
	}
	m, err := s.Minutes(h)
	if err != nil {
		return minutes.Minutes{}, err
	}
	if hash != m.Hash {
		return minutes.Minutes{}, s.staleHash(hash, m, h)
	}
	sig := minutes.Signature{JurorSubject: j.Subject, JurorName: j.DisplayName, SignedAt: now, ContentHash: hash, Encoding: m.Encoding}
	s.signatures = append(s.signatures, sig)
	m.Signatures = append(m.Signatures, sig)
	m.Unsigned = slices.DeleteFunc(m.Unsigned, func(sub string) bool { return sub == juror })
	s.touch(now)
	if len(m.Unsigned) == 0 {
		s.state = StateClosed
		s.record(MinutesSigned{Minutes: m, At: now})
	}
	return m, nil
}
