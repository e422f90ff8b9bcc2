// Package dossier is the domain of the portfolio context: the Dossier
// Professionnel (DP, domain.md §7) a candidate writes for a title version,
// its documents, and the snapshots frozen when it is submitted for a
// session.
//
// Two levels of checks apply, on purpose:
//   - every change is refused with InvalidArgument when a field is
//     malformed (too long, bad date, unknown activity type, a period that
//     ends before it starts, more than 3 examples for an activity type),
//     so that the draft is always well formed but may be incomplete;
//   - submission (Submit) requires a complete dossier: 1 to 3 examples per
//     activity type required by the session (R35), the five fields of every
//     example (R36), the sworn statement (R38) and an access mode on the
//     cover (R42). It is refused with FailedPrecondition DOSSIER_INCOMPLETE
//     naming every field to complete.
//
// The cover is never typed by the candidate: it is derived from the
// candidate record and the title (CoverOf), and frozen in the snapshot.
// A snapshot is immutable (R41): its manifest hash covers the content and
// every document, and later edits change only the draft.
//
// Field paths in violations are those of the public API: "dossier.…" for
// the request fields of create and update, and resource-relative paths
// ("examples[0].tasks") for the completeness check of a submission.
package dossier
