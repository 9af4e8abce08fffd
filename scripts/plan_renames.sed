# Renames that move runtime/ onto the plan's own vocabulary (issue 11): the runtime no longer
# names anything of lang/ast or lang/check. Temporary: to be applied to the runtime files after
# merging, then deleted. GNU sed:  sed -i -f scripts/plan_renames.sed $(git ls-files runtime)
#
# Values, types and units of the language moved from lang/check/types.hpp to lang/base/value.hpp
# (namespace tally), table schemas from lang/plan/schema.hpp to lang/base/schema.hpp (namespace
# tally); the indicator's choices are the plan's own enums (plan::AggOp for ast::Op's aggregates).
s|#include "lang/check/types.hpp"|#include "lang/base/value.hpp"|
s|#include "lang/plan/schema.hpp"|#include "lang/base/schema.hpp"|
/^ *using check::\(Constant\|Type\|Kind\|Unit\|Dimension\|unit_factor\|unit_text\|dimension\|describe\|constant_source\|constant_display\);$/d
/^ *using plan::\(TableSchema\|ColumnSchema\|ColumnType\|column_type_name\);$/d
s/\bcheck::\(Constant\|Type\|Kind\|Unit\|Dimension\|unit_factor\|unit_text\|dimension\|describe\|constant_source\|constant_display\)\b/\1/g
s/\bast::Op\b/plan::AggOp/g
s/\bast::\(Cadence\|WindowKind\|UnitKind\|Polarity\|Colour\|TrendKind\)\b/plan::\1/g
s/\bplan::\(TableSchema\|ColumnSchema\|ColumnType\|column_type_name\)\b/\1/g
