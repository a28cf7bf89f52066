//! The schema: the attributes the storefront sends for each product and for the customer, with
//! their types, and the enums they use. Built-in attributes are always there.

use std::collections::BTreeMap;

use super::Type;
use crate::source::Span;
use crate::syntax::ast::Subject;

/// A built-in attribute: its name and a constructor of its type.
pub type Builtin = (&'static str, fn() -> Type);

/// Attributes every storefront sends for a product (a cart line).
pub const PRODUCT_BUILTINS: &[Builtin] = &[
    ("sku", || Type::Text),
    ("spu", || Type::Text),
    ("category", || Type::Text),
    ("brand", || Type::Text),
    ("merchant", || Type::Text),
    ("supplier", || Type::Text),
    ("tags", || Type::Set(Box::new(Type::Text))),
    ("price", || Type::Money),
];

/// Attributes every storefront sends for the customer.
pub const CUSTOMER_BUILTINS: &[Builtin] = &[
    ("id", || Type::Text),
    ("is_fan", || Type::Bool),
    ("first_order", || Type::Bool),
    ("tags", || Type::Set(Box::new(Type::Text))),
];

/// An enum of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumInfo {
    /// Values, lowest first when ordered.
    pub values: Vec<String>,
    /// Whether `<`, `>=` … compare its values.
    pub ordered: bool,
    /// Where it is declared.
    pub span: Span,
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrInfo {
    /// Its type.
    pub ty: Type,
    /// Where it is declared (`None` for built-ins).
    pub span: Option<Span>,
}

/// All attributes and enums of a ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// Enums by name.
    pub enums: BTreeMap<String, EnumInfo>,
    /// Product attributes by name.
    pub product: BTreeMap<String, AttrInfo>,
    /// Customer attributes by name.
    pub customer: BTreeMap<String, AttrInfo>,
}

impl Default for Schema {
    fn default() -> Schema {
        let builtins =
            |list: &[Builtin]| list.iter().map(|(n, t)| ((*n).to_owned(), AttrInfo { ty: t(), span: None })).collect();
        Schema { enums: BTreeMap::new(), product: builtins(PRODUCT_BUILTINS), customer: builtins(CUSTOMER_BUILTINS) }
    }
}

impl Schema {
    /// The attributes of `subject`.
    pub fn attributes(&self, subject: Subject) -> &BTreeMap<String, AttrInfo> {
        match subject {
            Subject::Product => &self.product,
            Subject::Customer => &self.customer,
        }
    }

    /// The attributes of `subject`, for changing.
    pub fn attributes_mut(&mut self, subject: Subject) -> &mut BTreeMap<String, AttrInfo> {
        match subject {
            Subject::Product => &mut self.product,
            Subject::Customer => &mut self.customer,
        }
    }

    /// Which enum a value name belongs to, if exactly one.
    pub fn enum_of_value(&self, value: &str) -> Option<(&str, usize)> {
        let mut found = self
            .enums
            .iter()
            .filter_map(|(name, e)| e.values.iter().position(|v| v == value).map(|rank| (name.as_str(), rank)));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}
