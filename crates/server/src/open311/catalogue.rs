//! The services a commune offers out of the box (seeded by `seed`): seven
//! Vietnamese services in three groups, with keywords, deadlines in working
//! hours and forms whose attributes together use every Open311 datatype.
//!
//! This is demo/reference data, not a national catalogue; a province replaces
//! it with its own list.

use congdan_protocol::open311::{Attribute, AttributeValue, Datatype, Service, ServiceDefinition};

use crate::storage::requests::ServiceRecord;

/// Agency shown as `agency_responsible` when a request names no unit.
pub const DEFAULT_AGENCY: &str = "Ủy ban nhân dân phường";

fn values(pairs: &[(&str, &str)]) -> Vec<AttributeValue> {
    pairs
        .iter()
        .map(|(key, name)| AttributeValue {
            key: (*key).to_owned(),
            name: (*name).to_owned(),
        })
        .collect()
}

fn attribute(
    order: u32,
    code: &str,
    datatype: Datatype,
    required: bool,
    description: &str,
    hint: &str,
    list: &[(&str, &str)],
) -> Attribute {
    Attribute {
        variable: true,
        code: code.to_owned(),
        datatype,
        required,
        datatype_description: hint.to_owned(),
        order,
        description: description.to_owned(),
        values: values(list),
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    code: &str,
    name: &str,
    description: &str,
    group: &str,
    keywords: &str,
    deadline_hours: u32,
    agency: &str,
    attributes: Vec<Attribute>,
) -> ServiceRecord {
    ServiceRecord {
        service: Service {
            service_code: code.to_owned(),
            service_name: name.to_owned(),
            description: description.to_owned(),
            metadata: !attributes.is_empty(),
            kind: "realtime".to_owned(),
            keywords: keywords.to_owned(),
            group: group.to_owned(),
        },
        definition: ServiceDefinition {
            service_code: code.to_owned(),
            attributes,
        },
        deadline_hours,
        agency: agency.to_owned(),
    }
}

const FIELD: &str = "Phản ánh hiện trường";
const ORDER: &str = "An ninh, trật tự";
const ADMIN: &str = "Thủ tục hành chính";

/// The seven seeded services, in display order.
pub fn services() -> Vec<ServiceRecord> {
    use Datatype::*;
    vec![
        record(
            "ha-tang-giao-thong",
            "Hạ tầng giao thông",
            "Đường, vỉa hè, cống thoát nước, biển báo hư hỏng.",
            FIELD,
            "ổ gà,sụt lún,vỉa hè,cống,biển báo,đường hỏng",
            16,
            "Phòng Kinh tế, Hạ tầng và Đô thị",
            vec![
                attribute(
                    1,
                    "loai_hu_hong",
                    Singlevaluelist,
                    true,
                    "Loại hư hỏng",
                    "Chọn một",
                    &[
                        ("o-ga", "Ổ gà, ổ voi"),
                        ("sut-lun", "Sụt lún mặt đường"),
                        ("via-he", "Vỉa hè hư hỏng"),
                        ("cong", "Nắp cống hỏng, mất"),
                        ("bien-bao", "Biển báo, đèn tín hiệu"),
                    ],
                ),
                attribute(
                    2,
                    "kich_thuoc",
                    Number,
                    false,
                    "Kích thước ước tính (m²)",
                    "Số, ví dụ 1.5",
                    &[],
                ),
                attribute(
                    3,
                    "nguy_hiem",
                    Singlevaluelist,
                    true,
                    "Có gây nguy hiểm cho người đi đường không?",
                    "Chọn một",
                    &[("co", "Có"), ("khong", "Không")],
                ),
            ],
        ),
        record(
            "chieu-sang-cong-cong",
            "Chiếu sáng công cộng",
            "Đèn đường không sáng, sáng ban ngày, cột đèn nghiêng đổ.",
            FIELD,
            "đèn đường,đèn hỏng,mất điện,cột đèn",
            8,
            "Phòng Kinh tế, Hạ tầng và Đô thị",
            vec![
                attribute(
                    1,
                    "ma_cot_den",
                    String,
                    false,
                    "Số hiệu cột đèn (ghi trên thân cột)",
                    "Một dòng chữ",
                    &[],
                ),
                attribute(
                    2,
                    "tinh_trang",
                    Singlevaluelist,
                    true,
                    "Tình trạng",
                    "Chọn một",
                    &[
                        ("khong-sang", "Không sáng"),
                        ("chap-chon", "Chập chờn"),
                        ("sang-ban-ngay", "Sáng ban ngày"),
                        ("cot-nghieng", "Cột nghiêng, đổ"),
                    ],
                ),
            ],
        ),
        record(
            "ve-sinh-moi-truong",
            "Vệ sinh môi trường",
            "Rác thải, nước thải, ô nhiễm, xác động vật nơi công cộng.",
            FIELD,
            "rác,xả thải,ô nhiễm,mùi hôi,nước thải,đốt rác",
            8,
            "Tổ vệ sinh môi trường phường",
            vec![
                attribute(
                    1,
                    "loai",
                    Multivaluelist,
                    true,
                    "Loại vấn đề (chọn một hoặc nhiều)",
                    "Chọn một hoặc nhiều",
                    &[
                        ("rac-thai", "Rác thải tồn đọng"),
                        ("nuoc-thai", "Nước thải"),
                        ("mui-hoi", "Mùi hôi"),
                        ("dot-rac", "Đốt rác"),
                    ],
                ),
                attribute(
                    2,
                    "thoi_diem",
                    Datetime,
                    false,
                    "Thời điểm phát hiện",
                    "Ngày giờ ISO 8601, ví dụ 2026-03-02T08:00:00+07:00",
                    &[],
                ),
            ],
        ),
        record(
            "trat-tu-do-thi",
            "Trật tự đô thị",
            "Lấn chiếm vỉa hè, lòng đường; xây dựng không phép; quảng cáo sai quy định.",
            ORDER,
            "lấn chiếm,vỉa hè,xây dựng trái phép,quảng cáo,họp chợ",
            16,
            "Đội Trật tự đô thị phường",
            vec![attribute(
                1,
                "hanh_vi",
                Singlevaluelist,
                true,
                "Hành vi",
                "Chọn một",
                &[
                    ("lan-chiem", "Lấn chiếm vỉa hè, lòng đường"),
                    ("xay-dung", "Xây dựng không phép"),
                    ("quang-cao", "Quảng cáo sai quy định"),
                    ("cho-tam", "Họp chợ tạm"),
                ],
            )],
        ),
        record(
            "an-ninh-trat-tu",
            "An ninh trật tự",
            "Gây rối, tụ tập đông người, tiếng ồn ban đêm, nghi vấn tệ nạn.",
            ORDER,
            "gây rối,ồn ào,tụ tập,trộm cắp,tệ nạn",
            4,
            "Công an phường",
            vec![
                attribute(
                    1,
                    "khan_cap",
                    Singlevaluelist,
                    true,
                    "Sự việc có đang diễn ra không?",
                    "Chọn một",
                    &[
                        ("dang-dien-ra", "Đang diễn ra"),
                        ("da-ket-thuc", "Đã kết thúc"),
                    ],
                ),
                attribute(
                    2,
                    "so_nguoi",
                    Number,
                    false,
                    "Số người liên quan (ước tính)",
                    "Số nguyên",
                    &[],
                ),
            ],
        ),
        record(
            "chung-thuc-ban-sao",
            "Chứng thực bản sao",
            "Hỏi về chứng thực bản sao từ bản chính, chữ ký, hợp đồng tại phường.",
            ADMIN,
            "chứng thực,sao y,công chứng,bản sao,chữ ký",
            24,
            "Bộ phận Một cửa phường",
            vec![
                attribute(
                    1,
                    "loai_giay_to",
                    String,
                    true,
                    "Loại giấy tờ cần chứng thực",
                    "Một dòng chữ, ví dụ: Căn cước",
                    &[],
                ),
                attribute(
                    2,
                    "so_ban",
                    Number,
                    false,
                    "Số bản cần chứng thực",
                    "Số nguyên",
                    &[],
                ),
                attribute(
                    3,
                    "ngay_hen",
                    Datetime,
                    false,
                    "Ngày giờ muốn đến làm",
                    "Ngày giờ ISO 8601",
                    &[],
                ),
            ],
        ),
        record(
            "hoi-dap-thu-tuc",
            "Hỏi đáp thủ tục hành chính",
            "Câu hỏi về hồ sơ, trình tự, lệ phí của thủ tục hành chính.",
            ADMIN,
            "hỏi đáp,thủ tục,hồ sơ,lệ phí,khai sinh,cư trú",
            24,
            "Bộ phận Một cửa phường",
            vec![
                attribute(
                    1,
                    "linh_vuc",
                    Singlevaluelist,
                    false,
                    "Lĩnh vực",
                    "Chọn một",
                    &[
                        ("ho-tich", "Hộ tịch"),
                        ("cu-tru", "Cư trú"),
                        ("dat-dai", "Đất đai"),
                        ("khac", "Khác"),
                    ],
                ),
                attribute(
                    2,
                    "cau_hoi",
                    Text,
                    true,
                    "Nội dung câu hỏi",
                    "Nhiều dòng chữ",
                    &[],
                ),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn seven_services_cover_every_datatype() {
        let services = services();
        assert_eq!(services.len(), 7);
        let types: HashSet<Datatype> = services
            .iter()
            .flat_map(|s| s.definition.attributes.iter().map(|a| a.datatype))
            .collect();
        assert_eq!(types.len(), 6);
        for s in &services {
            assert!(s.deadline_hours > 0);
            for a in &s.definition.attributes {
                let is_list = matches!(
                    a.datatype,
                    Datatype::Singlevaluelist | Datatype::Multivaluelist
                );
                assert_eq!(is_list, !a.values.is_empty(), "{}", a.code);
            }
        }
    }
}
