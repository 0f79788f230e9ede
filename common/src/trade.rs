use serde::{Deserialize, Serialize};

/// What a stall may sell. A zone lists the categories it allows; each stall has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TradeCategory {
    /// 小吃餐饮 — cooked food; needs a health certificate.
    CookedFood,
    /// 果蔬生鲜
    FruitVegetable,
    /// 日用百货
    DailyGoods,
    /// 便民服务 — key cutting, shoe and phone repair, tailoring.
    ConvenienceService,
    /// 文创手作
    CulturalCreative,
    /// 鲜花绿植
    Flowers,
}

impl TradeCategory {
    pub const ALL: [TradeCategory; 6] = [
        TradeCategory::CookedFood,
        TradeCategory::FruitVegetable,
        TradeCategory::DailyGoods,
        TradeCategory::ConvenienceService,
        TradeCategory::CulturalCreative,
        TradeCategory::Flowers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TradeCategory::CookedFood => "cooked_food",
            TradeCategory::FruitVegetable => "fruit_vegetable",
            TradeCategory::DailyGoods => "daily_goods",
            TradeCategory::ConvenienceService => "convenience_service",
            TradeCategory::CulturalCreative => "cultural_creative",
            TradeCategory::Flowers => "flowers",
        }
    }

    pub fn parse(s: &str) -> Option<TradeCategory> {
        TradeCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TradeCategory::CookedFood => "小吃餐饮",
            TradeCategory::FruitVegetable => "果蔬生鲜",
            TradeCategory::DailyGoods => "日用百货",
            TradeCategory::ConvenienceService => "便民服务",
            TradeCategory::CulturalCreative => "文创手作",
            TradeCategory::Flowers => "鲜花绿植",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            TradeCategory::CookedFood => "Cooked food",
            TradeCategory::FruitVegetable => "Fruit & vegetables",
            TradeCategory::DailyGoods => "Daily goods",
            TradeCategory::ConvenienceService => "Convenience services",
            TradeCategory::CulturalCreative => "Crafts & culture",
            TradeCategory::Flowers => "Flowers & plants",
        }
    }

    /// Food trades need a valid health certificate (健康证) from the vendor.
    pub fn needs_health_certificate(self) -> bool {
        matches!(self, TradeCategory::CookedFood | TradeCategory::FruitVegetable)
    }
}

/// A trade as a permit stores it (its Chinese name, printed on the certificate) in both
/// languages, for showing it in the reader's language; `None` for free text.
pub fn trade_label(stored: &str) -> Option<crate::Text> {
    let stored = stored.trim();
    TradeCategory::ALL
        .into_iter()
        .find(|t| t.name_zh() == stored)
        .map(|t| crate::Text::new(t.name_zh(), t.name_en()))
        .or_else(|| {
            crate::policy::ShopTrade::ALL
                .into_iter()
                .find(|t| t.name_zh() == stored)
                .map(|t| crate::Text::new(t.name_zh(), t.name_en()))
        })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_stored_trade_reads_in_both_languages() {
        let t = trade_label(TradeCategory::CookedFood.name_zh()).unwrap();
        assert_eq!(t.en, TradeCategory::CookedFood.name_en());
        let s = trade_label(crate::policy::ShopTrade::Catering.name_zh()).unwrap();
        assert_eq!(s.en, crate::policy::ShopTrade::Catering.name_en());
        assert!(trade_label("冬季新品展示").is_none());
    }
}
