# The reference for the warehouse's survey standard errors: R's survey package (Lumley).
#
# Reads respondents.csv (indicator, year, kommune, weight, y, group; y empty for a respondent
# outside the estimate, counted in the stratum all the same) and domains.csv (domain, kommune: which
# municipalities each estimate covers; a group column, when present, narrows the domain to
# respondents of that group). Every survey round is one design, strata = municipality, weights
# the calibrated weights, no finite-population correction; each domain's mean and standard error
# come from svymean on subset(), which keeps the strata's sizes, as the warehouse does.
# Writes estimates.csv: indicator, year, domain, mean, se.
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
suppressPackageStartupMessages(library(survey))
respondents <- read.csv(file.path(folder, "respondents.csv"), colClasses = c(kommune = "character"))
domains <- read.csv(file.path(folder, "domains.csv"), colClasses = c(kommune = "character"))
if (!"group" %in% names(respondents)) respondents$group <- ""
respondents$group[is.na(respondents$group)] <- ""
rows <- list()
rounds <- unique(respondents[, c("indicator", "year")])
for (r in seq_len(nrow(rounds))) {
  indicator <- rounds$indicator[r]
  round <- rounds$year[r]
  design <- svydesign(
    ids = ~1, strata = ~kommune, weights = ~weight,
    data = respondents[respondents$indicator == indicator & respondents$year == round, ]
  )
  for (name in unique(domains$domain)) {
    members <- domains$kommune[domains$domain == name]
    group <- unique(domains$group[domains$domain == name])
    inside <- design$variables$kommune %in% members & !is.na(design$variables$y)
    if (!is.na(group) && group != "") inside <- inside & design$variables$group == group
    if (sum(inside) < 2) next
    estimate <- svymean(~y, subset(design, inside))
    rows[[length(rows) + 1]] <- data.frame(
      indicator = indicator, year = round, domain = name, mean = coef(estimate)[[1]], se = SE(estimate)[[1]]
    )
  }
}
write.csv(do.call(rbind, rows), file.path(folder, "estimates.csv"), row.names = FALSE)
