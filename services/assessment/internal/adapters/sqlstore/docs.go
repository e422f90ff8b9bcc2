package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// The JSON documents have their own types with explicit keys, so that
// renaming a domain field cannot silently change the stored format.

type linkDoc struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type itemDoc struct {
	CompetenceCode string `json:"competence_code"`
	Epreuve        string `json:"epreuve"`
	Verdict        string `json:"verdict"`
	Observation    string `json:"observation"`
}

type decisionDoc struct {
	CCPCode    string `json:"ccp_code"`
	Outcome    string `json:"outcome"`
	Motivation string `json:"motivation"`
}

type deliberationDoc struct {
	Absent    bool          `json:"absent"`
	Decisions []decisionDoc `json:"decisions"`
	Outcome   string        `json:"outcome"`
	By        string        `json:"by"`
	At        time.Time     `json:"at"`
}

func linksColumn(ls []jury.Link) (string, error) {
	docs := make([]linkDoc, len(ls))
	for i, l := range ls {
		docs[i] = linkDoc{Kind: string(l.Kind), Value: l.Value}
	}
	return toJSON(docs)
}

func linksOf(col string) ([]jury.Link, error) {
	var docs []linkDoc
	if err := json.Unmarshal([]byte(col), &docs); err != nil {
		return nil, fmt.Errorf("declared_links: %w", err)
	}
	var out []jury.Link
	for _, d := range docs {
		out = append(out, jury.Link{Kind: jury.LinkKind(d.Kind), Value: d.Value})
	}
	return out, nil
}

func itemsColumn(items []evaluation.Item) (string, error) {
	docs := make([]itemDoc, len(items))
	for i, it := range items {
		docs[i] = itemDoc{CompetenceCode: it.CompetenceCode, Epreuve: string(it.Epreuve), Verdict: string(it.Verdict), Observation: it.Observation}
	}
	return toJSON(docs)
}

func itemsOf(col string) ([]evaluation.Item, error) {
	var docs []itemDoc
	if err := json.Unmarshal([]byte(col), &docs); err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	var out []evaluation.Item
	for _, d := range docs {
		out = append(out, evaluation.Item{CompetenceCode: d.CompetenceCode, Epreuve: title.EpreuveKind(d.Epreuve),
			Verdict: evaluation.Verdict(d.Verdict), Observation: d.Observation})
	}
	return out, nil
}

func deliberationColumn(d *deliberation.Deliberation) (sql.NullString, error) {
	if d == nil {
		return sql.NullString{}, nil
	}
	doc := deliberationDoc{Absent: d.Absent, Decisions: []decisionDoc{}, Outcome: string(d.Outcome), By: d.By, At: dbTime(d.At)}
	for _, x := range d.Decisions {
		doc.Decisions = append(doc.Decisions, decisionDoc{CCPCode: x.CCPCode, Outcome: string(x.Outcome), Motivation: x.Motivation})
	}
	s, err := toJSON(doc)
	return sql.NullString{String: s, Valid: err == nil}, err
}

func deliberationOf(col sql.NullString) (*deliberation.Deliberation, error) {
	if !col.Valid {
		return nil, nil
	}
	var doc deliberationDoc
	if err := json.Unmarshal([]byte(col.String), &doc); err != nil {
		return nil, fmt.Errorf("deliberation: %w", err)
	}
	d := &deliberation.Deliberation{Absent: doc.Absent, Outcome: deliberation.TitleOutcome(doc.Outcome), By: doc.By, At: dbTime(doc.At)}
	for _, x := range doc.Decisions {
		d.Decisions = append(d.Decisions, deliberation.Decision{CCPCode: x.CCPCode, Outcome: deliberation.CCPOutcome(x.Outcome), Motivation: x.Motivation})
	}
	return d, nil
}

func strsOf(col string) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(col), &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
