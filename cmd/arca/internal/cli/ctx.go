package cli

import "context"

type ctxT = context.Context
