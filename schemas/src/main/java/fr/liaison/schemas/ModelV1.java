package fr.liaison.schemas;

import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ObjectFactory;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.SAXException;

/**
 * What is built once per schema version and shared by every codec and thread: the compiled XSD,
 * the JAXB context, and which elements are list items (for JSON pointers).
 */
final class ModelV1 {

    static final String XSD = "/xsd/v1/liaison-messages-v1.xsd";

    private static final ModelV1 INSTANCE = new ModelV1();

    final Schema schema;
    final JAXBContext context;
    /** "wrapper/item" pairs, e.g. "barriers/barrier": an item becomes an array index in JSON. */
    private final Set<String> listItems;
    /** Every element name the model declares, roots included. */
    private final Set<String> elementNames;

    private ModelV1() {
        this.schema = compileSchema();
        try {
            this.context = JAXBContext.newInstance(ObjectFactory.class);
        } catch (JAXBException e) {
            throw new IllegalStateException("JAXB context of the v1 model cannot be built", e);
        }
        Set<String> names = new HashSet<>();
        this.listItems = findListItems(names);
        this.elementNames = Set.copyOf(names);
    }

    boolean declaresElement(String localName) {
        return elementNames.contains(localName);
    }

    static ModelV1 get() {
        return INSTANCE;
    }

    boolean isListItem(String wrapper, String item) {
        return listItems.contains(wrapper + "/" + item);
    }

    private static Schema compileSchema() {
        URL url = ModelV1.class.getResource(XSD);
        if (url == null) {
            throw new IllegalStateException("Missing resource " + XSD);
        }
        try (InputStream in = url.openStream()) {
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // The schema is self-contained: nothing may be fetched while compiling it.
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            return factory.newSchema(new StreamSource(in, url.toExternalForm()));
        } catch (SAXException e) {
            throw new IllegalStateException("The v1 XSD does not compile", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Walks the model from the root classes and collects every wrapper/item pair made by xew, and every element name. */
    private static Set<String> findListItems(Set<String> elementNames) {
        Set<String> pairs = new HashSet<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (var type : fr.liaison.schemas.v1.MessageType.values()) {
            todo.add(MessageKinds.classOf(type));
        }
        while (!todo.isEmpty()) {
            Class<?> cls = todo.pop();
            if (!seen.add(cls) || !cls.getPackageName().equals(LiaisonMessage.class.getPackageName())) {
                continue;
            }
            if (cls.getSuperclass() != null) {
                todo.add(cls.getSuperclass());
            }
            jakarta.xml.bind.annotation.XmlRootElement root = cls.getAnnotation(jakarta.xml.bind.annotation.XmlRootElement.class);
            if (root != null) {
                elementNames.add(root.name());
            }
            for (Field field : cls.getDeclaredFields()) {
                XmlElementWrapper wrapper = field.getAnnotation(XmlElementWrapper.class);
                XmlElement element = field.getAnnotation(XmlElement.class);
                if (wrapper != null && element != null) {
                    String wrapperName = "##default".equals(wrapper.name()) ? field.getName() : wrapper.name();
                    pairs.add(wrapperName + "/" + element.name());
                    elementNames.add(wrapperName);
                }
                // xjc annotates an element only when it must: any other field is an element of its own name.
                boolean notElement = java.lang.reflect.Modifier.isStatic(field.getModifiers())
                        || field.isAnnotationPresent(jakarta.xml.bind.annotation.XmlAttribute.class)
                        || field.isAnnotationPresent(jakarta.xml.bind.annotation.XmlTransient.class)
                        || field.isAnnotationPresent(jakarta.xml.bind.annotation.XmlValue.class);
                if (!notElement) {
                    elementNames.add(element == null || "##default".equals(element.name()) ? field.getName() : element.name());
                }
                Class<?> type = field.getType();
                if (field.getGenericType() instanceof ParameterizedType p
                        && p.getActualTypeArguments()[0] instanceof Class<?> item) {
                    type = item;
                }
                todo.add(type);
            }
        }
        return Set.copyOf(pairs);
    }
}
