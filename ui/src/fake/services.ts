// The seven services the server seeds (crates/server/src/open311/catalogue.rs), for the
// fake backend: three groups, keywords, deadlines in working hours, and forms whose
// attributes together use every Open311 datatype.
import type { Attribute, AttributeValue, Datatype, Service, ServiceDefinition } from "../models";

/** A seeded service with its form, handling unit and deadline. */
export type FakeService = { service: Service; definition: ServiceDefinition; deadlineHours: number; agency: string };

const FIELD = "Phản ánh hiện trường";
const ORDER = "An ninh, trật tự";
const ADMIN = "Thủ tục hành chính";

function attr(order: number, code: string, datatype: Datatype, required: boolean, description: string, hint: string, list: Array<[string, string]> = []): Attribute {
  const values: AttributeValue[] = list.map(([key, name]) => ({ key, name }));
  return { variable: true, code, datatype, required, datatype_description: hint, order, description, values };
}

function svc(code: string, name: string, description: string, group: string, keywords: string, deadlineHours: number, agency: string, attributes: Attribute[]): FakeService {
  return {
    service: { service_code: code, service_name: name, description, metadata: attributes.length > 0, type: "realtime", keywords, group },
    definition: { service_code: code, attributes },
    deadlineHours,
    agency,
  };
}

/** The seeded services, in display order. */
export const FAKE_SERVICES: FakeService[] = [
  svc("ha-tang-giao-thong", "Hạ tầng giao thông", "Đường, vỉa hè, cống thoát nước, biển báo hư hỏng.", FIELD, "ổ gà,sụt lún,vỉa hè,cống,biển báo,đường hỏng", 16, "Phòng Kinh tế, Hạ tầng và Đô thị", [
    attr(1, "loai_hu_hong", "singlevaluelist", true, "Loại hư hỏng", "Chọn một", [["o-ga", "Ổ gà, ổ voi"], ["sut-lun", "Sụt lún mặt đường"], ["via-he", "Vỉa hè hư hỏng"], ["cong", "Nắp cống hỏng, mất"], ["bien-bao", "Biển báo, đèn tín hiệu"]]),
    attr(2, "kich_thuoc", "number", false, "Kích thước ước tính (m²)", "Số, ví dụ 1.5"),
    attr(3, "nguy_hiem", "singlevaluelist", true, "Có gây nguy hiểm cho người đi đường không?", "Chọn một", [["co", "Có"], ["khong", "Không"]]),
  ]),
  svc("chieu-sang-cong-cong", "Chiếu sáng công cộng", "Đèn đường không sáng, sáng ban ngày, cột đèn nghiêng đổ.", FIELD, "đèn đường,đèn hỏng,mất điện,cột đèn", 8, "Phòng Kinh tế, Hạ tầng và Đô thị", [
    attr(1, "ma_cot_den", "string", false, "Số hiệu cột đèn (ghi trên thân cột)", "Một dòng chữ"),
    attr(2, "tinh_trang", "singlevaluelist", true, "Tình trạng", "Chọn một", [["khong-sang", "Không sáng"], ["chap-chon", "Chập chờn"], ["sang-ban-ngay", "Sáng ban ngày"], ["cot-nghieng", "Cột nghiêng, đổ"]]),
  ]),
  svc("ve-sinh-moi-truong", "Vệ sinh môi trường", "Rác thải, nước thải, ô nhiễm, xác động vật nơi công cộng.", FIELD, "rác,xả thải,ô nhiễm,mùi hôi,nước thải,đốt rác", 8, "Tổ vệ sinh môi trường phường", [
    attr(1, "loai", "multivaluelist", true, "Loại vấn đề (chọn một hoặc nhiều)", "Chọn một hoặc nhiều", [["rac-thai", "Rác thải tồn đọng"], ["nuoc-thai", "Nước thải"], ["mui-hoi", "Mùi hôi"], ["dot-rac", "Đốt rác"]]),
    attr(2, "thoi_diem", "datetime", false, "Thời điểm phát hiện", "Ngày giờ ISO 8601, ví dụ 2026-03-02T08:00:00+07:00"),
  ]),
  svc("trat-tu-do-thi", "Trật tự đô thị", "Lấn chiếm vỉa hè, lòng đường; xây dựng không phép; quảng cáo sai quy định.", ORDER, "lấn chiếm,vỉa hè,xây dựng trái phép,quảng cáo,họp chợ", 16, "Đội Trật tự đô thị phường", [
    attr(1, "hanh_vi", "singlevaluelist", true, "Hành vi", "Chọn một", [["lan-chiem", "Lấn chiếm vỉa hè, lòng đường"], ["xay-dung", "Xây dựng không phép"], ["quang-cao", "Quảng cáo sai quy định"], ["cho-tam", "Họp chợ tạm"]]),
  ]),
  svc("an-ninh-trat-tu", "An ninh trật tự", "Gây rối, tụ tập đông người, tiếng ồn ban đêm, nghi vấn tệ nạn.", ORDER, "gây rối,ồn ào,tụ tập,trộm cắp,tệ nạn", 4, "Công an phường", [
    attr(1, "khan_cap", "singlevaluelist", true, "Sự việc có đang diễn ra không?", "Chọn một", [["dang-dien-ra", "Đang diễn ra"], ["da-ket-thuc", "Đã kết thúc"]]),
    attr(2, "so_nguoi", "number", false, "Số người liên quan (ước tính)", "Số nguyên"),
  ]),
  svc("chung-thuc-ban-sao", "Chứng thực bản sao", "Hỏi về chứng thực bản sao từ bản chính, chữ ký, hợp đồng tại phường.", ADMIN, "chứng thực,sao y,công chứng,bản sao,chữ ký", 24, "Bộ phận Một cửa phường", [
    attr(1, "loai_giay_to", "string", true, "Loại giấy tờ cần chứng thực", "Một dòng chữ, ví dụ: Căn cước"),
    attr(2, "so_ban", "number", false, "Số bản cần chứng thực", "Số nguyên"),
    attr(3, "ngay_hen", "datetime", false, "Ngày giờ muốn đến làm", "Ngày giờ ISO 8601"),
  ]),
  svc("hoi-dap-thu-tuc", "Hỏi đáp thủ tục hành chính", "Câu hỏi về hồ sơ, trình tự, lệ phí của thủ tục hành chính.", ADMIN, "hỏi đáp,thủ tục,hồ sơ,lệ phí,khai sinh,cư trú", 24, "Bộ phận Một cửa phường", [
    attr(1, "linh_vuc", "singlevaluelist", false, "Lĩnh vực", "Chọn một", [["ho-tich", "Hộ tịch"], ["cu-tru", "Cư trú"], ["dat-dai", "Đất đai"], ["khac", "Khác"]]),
    attr(2, "cau_hoi", "text", true, "Nội dung câu hỏi", "Nhiều dòng chữ"),
  ]),
];
