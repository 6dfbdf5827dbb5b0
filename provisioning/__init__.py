"""Getting laptops from the supplier's truck to "labelled" (deliveries, intake, imaging)."""
