//! Every string of the UI, in zh-CN (default) and English, in one table.

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn t(self, s: S) -> &'static str {
        match self {
            Lang::Zh => s.zh(),
            Lang::En => s.en(),
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks from a server-sent [`common::Text`].
    pub fn pick(self, text: &common::Text) -> String {
        match self {
            Lang::Zh => text.zh.clone(),
            Lang::En => text.en.clone(),
        }
    }

    /// Picks between two strings computed elsewhere (names from `common`).
    pub fn either<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The current language, from the context set up in `app.rs`.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<crate::hooks::LangHandle>().map(|h| *h).unwrap_or(Lang::Zh)
}

macro_rules! strings {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum S { $($key,)* }
        impl S {
            pub fn zh(self) -> &'static str { match self { $(S::$key => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $(S::$key => $en,)* } }
        }
    };
}

strings! {
    AppName => "摊规通", "Tangui";
    AppTagline => "厦门摊规点 · 跨店经营 · 外摆促销 一站式服务", "Xiamen vending zones, shopfront trading and outdoor promotions in one place";
    SkipToContent => "跳到正文", "Skip to content";
    NavHome => "首页", "Home";
    NavLogin => "登录", "Sign in";
    NavRegister => "注册", "Register";
    NavLogout => "退出登录", "Sign out";
    NavAccount => "我的账户", "My account";
    NavUsers => "用户管理", "Users";
    NavMenu => "菜单", "Menu";
    SwitchLanguage => "English", "中文";
    SwitchLanguageLabel => "切换到英文", "Switch to Chinese";
    Loading => "加载中…", "Loading…";
    Retry => "重试", "Retry";
    Saving => "提交中…", "Submitting…";
    DemoNotice => "演示数据：摊规点名称、位置和摊位为示意，不代表实际设置。", "Demo data: zone names, places and stalls are illustrative, not the real ones.";
    FooterText => "摊规通 · 厦门市摊规点服务平台", "Tangui · Xiamen vending-zone service portal";
    FooterApi => "开放接口", "Open API";
    // Home
    HomeTitle => "在摊规点规范经营，便民又有序", "Trade in designated zones: convenient and orderly";
    HomeLead => "全市摊规点的位置、营业时间和空闲摊位一目了然；摊贩在线申请摊位，商户在线办理跨店经营和外摆促销备案。", "See every vending zone's place, hours and free stalls. Vendors apply for stalls online; shops file shopfront trading and outdoor promotions online.";
    FigZones => "摊规点", "Vending zones";
    FigStalls => "摊位", "Stalls";
    FigFree => "空闲摊位", "Free stalls";
    FigTemporary => "工地用餐临时点", "Temporary meal points";
    FigByDistrict => "各区摊位分布", "Stalls by district";
    FigByDistrictNote => "深色为已使用或停用，浅色为空闲", "Dark: in use or out of use; light: free";
    ChartDistrict => "区", "District";
    StartVendor => "我是摊贩：注册并申请摊位", "I'm a vendor: register and apply";
    StartShop => "我是商户：注册并办理备案", "I'm a shop: register and file";
    // Auth
    LoginTitle => "登录", "Sign in";
    LoginField => "手机号或用户名", "Mobile number or username";
    Password => "密码", "Password";
    LoginSubmit => "登录", "Sign in";
    NoAccount => "还没有账号？", "No account yet?";
    HaveAccount => "已有账号？", "Already registered?";
    RegisterTitle => "注册账号", "Create an account";
    RegisterAsVendor => "我是摊贩", "I'm a vendor";
    RegisterAsShop => "我是沿街商户 / 企业", "I'm a shop or firm";
    RealName => "真实姓名", "Real name";
    IdNumber => "身份证号", "Resident ID number";
    IdNumberHint => "18 位，用于实名核验，仅您本人和审核人员可见", "18 characters; for identity checks, seen only by you and reviewers";
    Phone => "手机号", "Mobile number";
    PhoneHint => "登录时使用", "Used to sign in";
    PasswordHint => "至少 8 位，包含字母和数字", "At least 8 characters with letters and digits";
    ShopName => "店铺或企业名称", "Shop or company name";
    CreditCode => "统一社会信用代码", "Unified social credit code";
    CreditCodeHint => "营业执照上的 18 位代码", "The 18-character code on the business licence";
    ContactName => "联系人姓名", "Contact person";
    RegisterSubmit => "注册并登录", "Register and sign in";
    // Account
    AccountTitle => "我的账户", "My account";
    Role => "身份", "Role";
    Name => "名称", "Name";
    Login => "登录名", "Login";
    District => "所属区", "District";
    RegisteredAt => "注册时间", "Registered";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ChangePasswordSubmit => "保存新密码", "Save new password";
    PasswordChanged => "密码已修改，其他设备上的登录已退出。", "Password changed; other devices were signed out.";
    NotSignedIn => "请先登录。", "Please sign in first.";
    // Users
    UsersTitle => "用户管理", "User management";
    UsersLead => "创建区城管和市级管理员账号。区城管只能看到本区的数据。", "Create district officer and city admin accounts. Officers see only their own district.";
    NewStaff => "新建工作人员账号", "New staff account";
    Username => "用户名", "Username";
    DisplayName => "姓名", "Name";
    Select => "请选择", "Select";
    CreateStaff => "创建账号", "Create account";
    StaffCreated => "账号已创建", "Account created";
    Total => "共", "Total";
    Disabled => "已停用", "Disabled";
    // Misc
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "您访问的页面不存在或已移动。", "The page does not exist or has moved.";
    BackHome => "返回首页", "Back to home";
    Forbidden => "您没有权限查看此页面。", "You may not view this page.";
    Required => "必填", "required";
}
