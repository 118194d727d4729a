package store

// The jsonb encoders, for the external tests of their shapes.
var (
	ValueCountsJSON = valueCountsJSON
	CategoriesJSON  = categoriesJSON
)
