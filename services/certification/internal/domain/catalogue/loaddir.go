package catalogue

import (
	"io/fs"
	"path"

	"github.com/titrepro/titrepro/internal/apperr"
)

// LoadDir parses every *.yaml file at the top of fsys, in file name order.
// It is all-or-nothing: when any file is invalid, or two files hold the same
// (code, version), it returns no title and one ErrInvalidTitleVersion with
// the violations of every file. A folder without any *.yaml file is
// ErrNoReferentials, so that a wrong path cannot load an empty catalogue.
func LoadDir(fsys fs.FS) ([]TitleVersion, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, errUnreadable(".", err)
	}
	var (
		titles []TitleVersion
		vs     []violation
		found  bool
		owner  = map[string]string{} // code + "@" + version -> file
	)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		found = true
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, errUnreadable(e.Name(), err)
		}
		t, pos, fileVs := parse(e.Name(), data)
		if len(fileVs) > 0 {
			vs = append(vs, fileVs...)
			continue
		}
		key := t.Code + "@" + t.Version
		if first, dup := owner[key]; dup {
			vs = append(vs, violation{
				file: e.Name(), line: pos.lineOf("version"), field: "version",
				msg: "title " + t.Code + " version " + t.Version + " is also defined in " + first,
			})
			continue
		}
		owner[key] = e.Name()
		titles = append(titles, t)
	}
	if !found {
		return nil, ErrNoReferentials
	}
	if len(vs) > 0 {
		return nil, invalidError(vs)
	}
	return titles, nil
}

func errUnreadable(name string, err error) error {
	return apperr.New(apperr.KindInternal, "TITLE_REFERENTIALS_UNREADABLE", "cannot read "+name).WithCause(err)
}
