// Package cost prices what the bucket stores. Stored bytes come in per
// tenant, kind and storage class (from the catalog or the bucket listing:
// BucketUnits lists the bucket, the caller reads the catalog); Stored keeps
// what the retention policy keeps and rebuilds the history of the stored
// total; a Prices table turns them into a monthly cost, and the history's
// growth into next month's projection.
//
// The default prices are the plan's cost table (backup-strategy.md,
// "Estimativa de Custos"): its monthly cost divided by its quantity for
// each storage class it names. The classes Arca also uses that the table
// leaves out are priced at AWS's us-east-1 list price and say so.
package cost
