package evaluation

import "slices"

// Count is how far an evaluation has got in its frame, in numbers only:
// what a progress board shows without revealing a verdict or an
// observation.
type Count struct {
	Competences int // competences of the frame
	Assessed    int // of which have a verdict at one épreuve at least: complete when all do (R49)
	Cells       int // the grid: competences × épreuves (× 1 when the title lists no épreuve)
	Scored      int // cells of the grid with a verdict
}

// Count returns how far e has got in frame f. Assessed is counted with
// Missing, the very test the deliberation applies (R49).
func (e Evaluation) Count(f Frame) Count {
	columns := max(1, len(f.Epreuves))
	c := Count{
		Competences: len(f.Competences),
		Assessed:    len(f.Competences) - len(e.Missing(f)),
		Cells:       len(f.Competences) * columns,
	}
	for _, it := range e.Items {
		inGrid := slices.Contains(f.Competences, it.CompetenceCode) &&
			(len(f.Epreuves) == 0 || slices.Contains(f.Epreuves, it.Epreuve))
		if it.Verdict != "" && inGrid {
			c.Scored++ // Check keeps one item per (competence, épreuve)
		}
	}
	return c
}
