package io.vaxflow.errors;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code of the API, the one place it is written: its HTTP status and its message in
 * English and Chinese, worded for the people who read it on the pages (web/Pages renders the
 * catalogue into every page; page.js {@code errorText} shows it). The JSON error body carries
 * {@code code} and the English message; a rejection may give a more specific message of its own.
 * The Lua scripts return some of these codes as {@code err} ({@code LuaNamesTest} checks each is here).
 */
public enum ErrorCode {

  INVALID_INPUT(400, "Please check what you entered.", "请检查填写的内容。"),
  /** A scanned GS1 DataMatrix text that cannot be read as a carton's GTIN (01), expiry (17) and lot (10); {@code reason} says why. */
  GS1_INVALID(400, "The scanned code cannot be read. Scan the carton's DataMatrix again, or type the lot.",
      "无法识别扫描的条码。请重新扫描包装上的二维码，或手动输入批号。"),
  UNAUTHENTICATED(401, "You are not signed in, or your session has ended. Please sign in.", "未登录或登录已失效，请重新登录。"),
  BAD_CREDENTIALS(401, "Wrong staff ID or PIN.", "工号或密码错误。"),
  FORBIDDEN(403, "Your role does not allow this here.", "您的岗位不能在此执行该操作。"),
  /** A kiosk, hall display or staff tablet route asked from a browser that is not an enrolled device of the site (gateway/Devices). */
  DEVICE_REQUIRED(403, "This screen is not enrolled as a device of this site. Ask the site manager to enrol it.",
      "此屏幕未登记为本接种点的设备，请联系接种点负责人登记。"),
  /** The device's enrolment was withdrawn by a manager: its credential no longer works. */
  DEVICE_REVOKED(403, "This device's enrolment was withdrawn. Ask the site manager to enrol it again.",
      "此设备的登记已被撤销，请联系接种点负责人重新登记。"),
  NOT_FOUND(404, "There is nothing at this address.", "此地址没有内容。"),
  UNKNOWN_SITE(404, "There is no such site.", "没有这个接种点。"),
  UNKNOWN_TICKET(404, "There is no ticket with that number today.", "今天没有这个号码。"),
  UNKNOWN_STATION(404, "This site has no such station.", "本接种点没有这个工作台。"),
  /** No booking of this person (and dose) made with this phone: said only to whoever proved the phone with its code. */
  NO_BOOKING(404, "There is no booking of this ID number with this phone.", "没有用此证件号码和手机号码的预约。"),
  /** A lot number the site has no stock of. */
  UNKNOWN_LOT(404, "This site has no lot with that number.", "本接种点没有该批号的疫苗。"),
  METHOD_NOT_ALLOWED(405, "This address does not take that method.", "此地址不接受该请求方法。"),
  STATION_BUSY(409, "This station already has a patient: finish or return them first.", "本台已有患者，请先完成或退回。"),
  INVALID_TRANSITION(409, "That is not possible in the current state.", "当前状态下无法执行该操作。"),
  NOT_CALLED(409, "This number has not been called to the vaccine room yet.", "该号码尚未被叫入候诊室。"),
  /** The person holds a booking of this dose already (nothing of it is shown: look it up with the code of its phone). */
  ALREADY_BOOKED(409, "This person already has a booking for this dose. Look it up, change or cancel it with the phone it was made with.",
      "此人已预约本剂次。可用预约时的手机号码查询、修改或取消。"),
  /** The phone holds as many bookings for that day as one phone may (a family's). */
  PHONE_LIMIT(409, "This phone number has as many bookings for that day as one phone may hold.", "此手机号码当天的预约数已达上限。"),
  /** No place left that day: {@code reason} SLOTS (every slot booked) or DOSES (every dose expected that day booked). */
  NO_CAPACITY(409, "No place is left that day: every slot, or every vaccine dose expected, is booked.",
      "当天已无可预约名额：号源或预计可用的疫苗剂次已约满。"),
  /** A dose booked before the series' interval after the person's recorded previous dose; {@code earliestDay} says when. */
  TOO_SOON(409, "It is too soon for this dose after the previous one. Book it from the earliest day given.",
      "距上一剂次接种时间过短，请在可预约的最早日期之后预约本剂次。"),
  /** A standby invitation checked in after the doses left over were taken, or after it expired. */
  STANDBY_GONE(409, "Sorry: the leftover doses this invitation was for have been given to those who came first.",
      "抱歉，本次邀请所对应的剩余疫苗已由先到者接种完毕。"),
  /** The site's last hour: no new vial is opened unless enough people wait for one (lastHour). */
  STOP_OPENING(409, "No new vial is opened this late unless enough people are waiting. Send the patient to a booth with an open vial.",
      "此时段除非有足够多的人等待，否则不再开启新的疫苗瓶。请将患者引导至有已开启疫苗瓶的接种台。"),
  NOT_IN_OBSERVATION(409, "This number is not in the observation area.", "该号码不在留观区。"),
  REACTION_HELD(409, "A severe reaction holds this person: clear it first.", "此人有严重反应，需先解除后才能离开。"),
  SITE_CLOSED(409, "The site is closed now.", "接种点现在不开放。"),
  /** Back from waiting away while every hall seat is taken: the ticket stays away and is called back when its turn nears. */
  HALL_FULL(409, "The waiting hall is full just now. You keep your place: you will be called back to the hall when your turn is near.",
      "候诊大厅暂时已满。您的位置保留不变，快到您时会通知您回到大厅。"),
  /** A lot number the site holds already with another product or expiry. */
  LOT_MISMATCH(409, "This lot number is already in stock with another product or expiry date.",
      "该批号已入库，但疫苗品种或有效期不同。"),
  LOT_EXPIRED(409, "This lot is past its expiry date.", "该批次疫苗已过有效期。"),
  NO_VIALS_LEFT(409, "This lot has no sealed vials left.", "该批次已没有未开启的疫苗瓶。"),
  /** A booth's done with no open vial (where the site's stock is required): open a vial first. */
  NO_OPEN_VIAL(409, "No vial is open at this booth. Open a vial first.", "本接种台没有已开启的疫苗瓶，请先开启一瓶。"),
  /** The open vial is past its time after first puncture; the sweep counts its doses wasted. */
  VIAL_EXPIRED(409, "The open vial is past its time after first puncture. Discard it and open a new one.",
      "已开启的疫苗瓶已超过开启后可用时间，请丢弃并开启新的一瓶。"),
  /** The vial's product is not one the ticket's dose may be given with (its series' schedule). */
  WRONG_PRODUCT(409, "This vaccine is not allowed for this person's dose.", "该疫苗品种不适用于此人本剂次的接种。"),
  PAYLOAD_TOO_LARGE(413, "The request body is larger than 16 KiB.", "请求内容超过 16 KiB。"),
  URI_TOO_LONG(414, "The request URL is too long.", "请求地址过长。"),
  UNSUPPORTED_MEDIA_TYPE(415, "The request body is not of an accepted type.", "不接受该类型的请求内容。"),
  /** A carton's GTIN that is none of the city's products. */
  UNKNOWN_GTIN(422, "This product code is not one of the city's vaccines.", "该商品条码不属于本市使用的疫苗。"),
  /** The one-time code is wrong, used up or expired ({@code attemptsLeft}: tries left; 0: ask for a new code). */
  CODE_INVALID(422, "This code is not right, or no longer valid. Check the text message, or ask for a new code.",
      "验证码不正确或已失效。请核对短信，或重新获取验证码。"),
  VOUCHER_INVALID(422, "This code is not valid.", "预约码无效。"),
  VOUCHER_WRONG_SITE(422, "Your appointment is at another site.", "您的预约不在本接种点。"),
  VOUCHER_WRONG_DAY(422, "Your appointment is on another day.", "您的预约不是今天。"),
  TOO_EARLY(422, "It is too early to check in for your appointment.", "现在签到为时过早。"),
  ALREADY_CHECKED_IN(422, "You have already checked in today.", "您今天已经签到。"),
  WALK_IN_NOT_ALLOWED(422, "This site takes appointments only.", "本接种点仅接待预约人员。"),
  /** A device's one-time enrolment code that is wrong, used already or expired. */
  ENROL_CODE_INVALID(422, "This enrolment code is wrong or has expired. Ask the site manager for a new one.",
      "登记码错误或已过期，请向接种点负责人索取新的登记码。"),
  /** A manager has stopped walk-ins for a while (appointments still check in). */
  WALK_INS_STOPPED(409, "Walk-ins are paused at this site for now.", "本接种点暂停接待未预约人员。"),
  /**
   * A ticket without a vaccination certificate (yet): not released from observation, no shot recorded for it, or its
   * site issues none (no signing key), or the person's details were erased since; {@code reason}: notReleased | noShot |
   * noKey | erased.
   */
  NO_CERTIFICATE(409, "There is no vaccination certificate for this number yet: it is issued when you leave observation.",
      "此号码还没有接种证明：离开留观区时签发。"),
  RATE_LIMITED(429, "Too many requests. Please wait a moment and try again.", "请求过多，请稍后再试。"),
  HEADERS_TOO_LARGE(431, "The request headers are too large.", "请求头过大。"),
  INTERNAL(500, "Something went wrong on our side.", "服务器内部错误。"),
  UNAVAILABLE(503, "The service is briefly unavailable. Please try again in a moment.", "服务暂时不可用，请稍后再试。"),
  /** From a script: the site's data marker is gone (Redis lost its data); the flow restores and retries. */
  STORE_RESET(503, "The site's data is being restored. Please try again.", "正在恢复接种点数据，请重试。");

  private static final Map<String, ErrorCode> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::name, Function.identity()));

  private final int status;
  private final String en;
  private final String zh;

  ErrorCode(int status, String en, String zh) {
    this.status = status;
    this.en = en;
    this.zh = zh;
  }

  /** The code as it appears in the JSON error body and in script replies. */
  public String code() {
    return name();
  }

  public int status() {
    return status;
  }

  /** The default message in {@code lang} ("zh" or anything else for English). */
  public String message(String lang) {
    return "zh".equals(lang) ? zh : en;
  }

  /** The default English message, as the API sends it. */
  public String message() {
    return en;
  }

  /** The code of that name, if the catalogue has it (a remote site or a script may send any string). */
  public static Optional<ErrorCode> of(String code) {
    return Optional.ofNullable(code == null ? null : BY_NAME.get(code));
  }
}
