pub mod claims_table;
pub mod header;
pub mod sequence_diagram;
pub mod sign_in_prompt;
