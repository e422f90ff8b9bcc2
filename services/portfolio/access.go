package portfolio

import (
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
)

// Access is the service's access table: for every RPC, the roles that may
// call it and the ownership rule (docs/authorisation.md).
var Access auth.AccessTable = authz.Table
