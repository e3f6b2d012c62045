package fr.liaison.schemas;

import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.ConsentRevocation;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageType;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.ReferralResponse;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;
import fr.liaison.schemas.v1.SharedDiagnosis;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The one table tying a message type to its root element and JAXB class. */
final class MessageKinds {

    static final String NAMESPACE_V1 = "urn:liaison:messages:v1";

    /** Types whose body concerns a person: recipient and consentRef are required. */
    static final Set<MessageType> ABOUT_A_PERSON = EnumSet.of(
            MessageType.REFERRAL, MessageType.REFERRAL_RESPONSE, MessageType.SHARED_DIAGNOSIS, MessageType.FOLLOW_UP_EVENT);

    private static final Map<MessageType, Class<? extends LiaisonMessage>> CLASSES = new EnumMap<>(MessageType.class);
    private static final Map<Class<?>, MessageType> TYPES = new HashMap<>();
    private static final Map<String, MessageType> BY_ROOT = new HashMap<>();

    static {
        put(MessageType.REFERRAL, Referral.class);
        put(MessageType.REFERRAL_RESPONSE, ReferralResponse.class);
        put(MessageType.SHARED_DIAGNOSIS, SharedDiagnosis.class);
        put(MessageType.FOLLOW_UP_EVENT, FollowUpEvent.class);
        put(MessageType.CONSENT, Consent.class);
        put(MessageType.CONSENT_REVOCATION, ConsentRevocation.class);
        put(MessageType.RESOURCE_DIRECTORY_ENTRY, ResourceDirectoryEntry.class);
    }

    private MessageKinds() {
    }

    private static void put(MessageType type, Class<? extends LiaisonMessage> cls) {
        CLASSES.put(type, cls);
        TYPES.put(cls, type);
        BY_ROOT.put(cls.getSimpleName(), type);
    }

    static Class<? extends LiaisonMessage> classOf(MessageType type) {
        return CLASSES.get(type);
    }

    /** The type a message class stands for, or null for a class outside the model. */
    static MessageType typeOf(Class<?> cls) {
        return TYPES.get(cls);
    }

    /** The type of a root element of the v1 namespace, or null. */
    static MessageType typeOfRoot(String namespace, String localName) {
        return NAMESPACE_V1.equals(namespace) ? BY_ROOT.get(localName) : null;
    }

    /** Root element name of a type: the JAXB class' simple name. */
    static String rootName(MessageType type) {
        return CLASSES.get(type).getSimpleName();
    }
}
