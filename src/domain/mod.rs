//! Domain values parsed once and trusted after: ID numbers (GB 11643), rates, counts,
//! dates as they appear in Chinese forms and rosters. One parser per kind of value, used
//! by every extractor and check ("parse, don't validate").

pub mod id_number;
pub mod mask;
