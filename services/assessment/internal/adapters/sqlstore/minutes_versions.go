package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// The minutes versions (R51) live in minutes_versions: a row per signed
// version, written when the last juror signs (the MinutesSigned event of
// the change) and completed once by the ministry's return. The JSON shapes
// of its columns are spelled out here so that a rename in Go never changes
// stored data.

type versionContentRow struct {
	SessionID    string            `json:"session_id"`
	CentreID     string            `json:"centre_id"`
	Type         string            `json:"type"`
	TitleID      string            `json:"title_id"`
	TitleVersion string            `json:"title_version"`
	JuryDate     string            `json:"jury_date"`
	Lines        []versionLineRow  `json:"lines"`
	Jurors       []versionJuror    `json:"jurors"`
	Version      int               `json:"minutes_version"`
	PreviousHash string            `json:"previous_content_hash"`
	FraudReports []versionFraudRow `json:"fraud_reports,omitempty"` // R57
}

type versionLineRow struct {
	CandidacyID  string               `json:"candidacy_id"`
	CandidateID  string               `json:"candidate_id"`
	Decisions    []versionDecisionRow `json:"decisions"`
	Outcome      string               `json:"title_outcome"`
	ManifestHash string               `json:"dossier_manifest_hash"`
}

type versionDecisionRow struct {
	CCPCode    string `json:"ccp_code"`
	Outcome    string `json:"outcome"`
	Motivation string `json:"motivation"`
}

type versionJuror struct {
	Subject string `json:"subject"`
	Name    string `json:"name"`
}

type versionSignatureRow struct {
	JurorSubject string    `json:"juror_subject"`
	JurorName    string    `json:"juror_name"`
	SignedAt     time.Time `json:"sign_time"`
	ContentHash  string    `json:"content_hash"`
	Encoding     string    `json:"content_encoding"`
}

// writeMinutesVersions keeps the minutes versions of a change: the version
// the change signed (a MinutesSigned event) as a new row, and the return
// that reopened the session (its minutes version grew) on the returned
// version's row, whose signatures then leave minutes_signatures.
func writeMinutesVersions(ctx context.Context, tx *sqldb.Tx, s *session.Session, beforeVersion int, events []session.Event) error {
	id := s.ID()
	if r := s.Reopened(); r != nil && s.MinutesVersion() > beforeVersion {
		ids, err := strs(r.CandidacyIDs)
		if err != nil {
			return err
		}
		// Minutes signed before the versions were kept have no row yet:
		// keep them as they were signed, then record the return on them.
		if m := s.ReturnedMinutes(); m != nil {
			var signedAt time.Time
			for _, sg := range m.Signatures {
				if sg.SignedAt.After(signedAt) {
					signedAt = sg.SignedAt
				}
			}
			if err := insertVersion(ctx, tx, *m, signedAt, true); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE minutes_versions SET returned_at = $3, returned_by = $4, return_reason = $5,
				returned_candidacies = $6, return_after_validation = $7
			WHERE session_id = $1 AND version = $2 AND returned_at IS NULL`,
			id, r.Version, dbTime(r.At), r.By, r.Reason, ids, r.AfterValidation)
		if err != nil {
			return fmt.Errorf("sqlstore: return minutes %s v%d: %w", id, r.Version, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("sqlstore: return minutes %s v%d: %d rows (%v): the signed version is not stored", id, r.Version, n, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM minutes_signatures WHERE session_id = $1`, id); err != nil {
			return fmt.Errorf("sqlstore: return minutes %s: clear signatures: %w", id, err)
		}
	}
	for _, ev := range events {
		signed, ok := ev.(session.MinutesSigned)
		if !ok {
			continue
		}
		if err := insertVersion(ctx, tx, signed.Minutes, signed.At, false); err != nil {
			return err
		}
	}
	return nil
}

// insertVersion keeps signed minutes m, signed last at signedAt; with
// ifMissing, minutes already kept are left as they are.
func insertVersion(ctx context.Context, tx *sqldb.Tx, m minutes.Minutes, signedAt time.Time, ifMissing bool) error {
	id := m.Content.SessionID
	content, err := json.Marshal(contentRowOf(m.Content))
	if err != nil {
		return fmt.Errorf("sqlstore: minutes %s: content: %w", id, err)
	}
	sigs := make([]versionSignatureRow, 0, len(m.Signatures))
	for _, sg := range m.Signatures {
		sigs = append(sigs, versionSignatureRow{JurorSubject: sg.JurorSubject, JurorName: sg.JurorName,
			SignedAt: dbTime(sg.SignedAt).UTC(), ContentHash: sg.ContentHash, Encoding: string(sg.Encoding)})
	}
	sb, err := json.Marshal(sigs)
	if err != nil {
		return fmt.Errorf("sqlstore: minutes %s: signatures: %w", id, err)
	}
	conflict := ""
	if ifMissing {
		conflict = ` ON CONFLICT (session_id, version) DO NOTHING`
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO minutes_versions (session_id, version, content_encoding, content_hash,
			content, signatures, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`+conflict,
		id, max(m.Content.Version, 1), string(m.Encoding), m.Hash, string(content), string(sb), dbTime(signedAt)); err != nil {
		return fmt.Errorf("sqlstore: keep minutes %s v%d: %w", id, m.Content.Version, err)
	}
	return nil
}

func contentRowOf(c minutes.Content) versionContentRow {
	out := versionContentRow{SessionID: c.SessionID, CentreID: c.CentreID, Type: string(c.Type), TitleID: c.TitleID,
		TitleVersion: c.TitleVersion, JuryDate: c.JuryDate, Version: max(c.Version, 1), PreviousHash: c.PreviousHash,
		Lines: []versionLineRow{}, Jurors: []versionJuror{}, FraudReports: versionFraudsOf(c.FraudReports)}
	for _, l := range c.Lines {
		lr := versionLineRow{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID, Outcome: string(l.Outcome),
			ManifestHash: l.DossierManifestHash, Decisions: []versionDecisionRow{}}
		for _, d := range l.Decisions {
			lr.Decisions = append(lr.Decisions, versionDecisionRow{CCPCode: d.CCPCode, Outcome: string(d.Outcome), Motivation: d.Motivation})
		}
		out.Lines = append(out.Lines, lr)
	}
	for _, j := range c.Jurors {
		out.Jurors = append(out.Jurors, versionJuror{Subject: j.Subject, Name: j.Name})
	}
	return out
}

func contentOf(r versionContentRow) minutes.Content {
	out := minutes.Content{SessionID: r.SessionID, CentreID: r.CentreID, Type: title.SessionType(r.Type), TitleID: r.TitleID,
		TitleVersion: r.TitleVersion, JuryDate: r.JuryDate, Version: r.Version, PreviousHash: r.PreviousHash,
		FraudReports: mentionsOf(r.FraudReports)}
	for _, l := range r.Lines {
		line := minutes.Line{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID, Outcome: deliberation.TitleOutcome(l.Outcome),
			DossierManifestHash: l.ManifestHash}
		for _, d := range l.Decisions {
			line.Decisions = append(line.Decisions, deliberation.Decision{CCPCode: d.CCPCode, Outcome: deliberation.CCPOutcome(d.Outcome), Motivation: d.Motivation})
		}
		out.Lines = append(out.Lines, line)
	}
	for _, j := range r.Jurors {
		out.Jurors = append(out.Jurors, minutes.Juror{Subject: j.Subject, Name: j.Name})
	}
	return out
}

const versionColumns = `version, content_encoding, content_hash, content, signatures, signed_at, returned_at, returned_by,
	return_reason, returned_candidacies, return_after_validation`

func scanVersion(sc scanner) (minutes.Version, error) {
	var (
		v                   minutes.Version
		enc, hash           string
		content, signatures string
		signedAt            time.Time
		returnedAt          sql.NullTime
		by, reason, cited   string
		afterValidation     bool
	)
	if err := sc.Scan(&v.Number, &enc, &hash, &content, &signatures, &signedAt, &returnedAt, &by, &reason, &cited, &afterValidation); err != nil {
		return minutes.Version{}, err
	}
	var cr versionContentRow
	if err := json.Unmarshal([]byte(content), &cr); err != nil {
		return minutes.Version{}, fmt.Errorf("content: %w", err)
	}
	var srs []versionSignatureRow
	if err := json.Unmarshal([]byte(signatures), &srs); err != nil {
		return minutes.Version{}, fmt.Errorf("signatures: %w", err)
	}
	v.State, v.SignedAt = minutes.VersionSigned, dbTime(signedAt)
	v.Minutes = minutes.Minutes{Content: contentOf(cr), Encoding: minutes.Encoding(enc), Hash: hash}
	for _, s := range srs {
		v.Minutes.Signatures = append(v.Minutes.Signatures, minutes.Signature{JurorSubject: s.JurorSubject, JurorName: s.JurorName,
			SignedAt: s.SignedAt.UTC(), ContentHash: s.ContentHash, Encoding: minutes.Encoding(s.Encoding)})
	}
	if returnedAt.Valid {
		ids, err := strsOf(cited)
		if err != nil {
			return minutes.Version{}, fmt.Errorf("returned_candidacies: %w", err)
		}
		v.State = minutes.VersionReturned
		v.Return = &minutes.Return{Version: v.Number, ContentHash: hash, Reason: reason, CandidacyIDs: ids, By: by,
			At: dbTime(returnedAt.Time), AfterValidation: afterValidation}
	}
	return v, nil
}

// loadReopened completes snap with its minutes version: one more than the
// last version returned, which reopened it.
func loadReopened(ctx context.Context, q querier, snap *session.Snapshot) error {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM minutes_versions
		WHERE session_id = $1 AND returned_at IS NOT NULL ORDER BY version DESC LIMIT 1`, snap.ID))
	if errors.Is(err, sql.ErrNoRows) {
		snap.MinutesVersion = 1
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlstore: session %s minutes version: %w", snap.ID, err)
	}
	snap.MinutesVersion, snap.PreviousMinutesHash, snap.Reopened = v.Number+1, v.Minutes.Hash, v.Return
	return nil
}

// MinutesVersions returns the signed versions of session id's minutes, the
// first first: each as it was signed, with its return if any.
func (r *SessionRepository) MinutesVersions(ctx context.Context, id string) ([]minutes.Version, error) {
	vs, err := queryRows(ctx, r.q(), `SELECT `+versionColumns+` FROM minutes_versions WHERE session_id = $1 ORDER BY version`,
		scanVersion, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: minutes versions of %s: %w", id, err)
	}
	return vs, nil
}
