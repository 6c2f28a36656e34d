/** Introspection XML (org.freedesktop.DBus.Introspectable) generated from an object's interfaces. */
import { parseSignature, formatType } from './signature.js';
import type { ObjectSpec } from './object-tree.js';

const DOCTYPE =
  '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n' +
  '"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n';

/** The standard interfaces every object of an ObjectTree answers. */
const STANDARD = ` <interface name="org.freedesktop.DBus.Peer">
  <method name="Ping"/>
  <method name="GetMachineId">
   <arg type="s" name="machine_uuid" direction="out"/>
  </method>
 </interface>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect">
   <arg name="xml_data" type="s" direction="out"/>
  </method>
 </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="property_name" direction="in" type="s"/>
   <arg name="value" direction="out" type="v"/>
  </method>
  <method name="GetAll">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="props" direction="out" type="a{sv}"/>
  </method>
  <method name="Set">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="property_name" direction="in" type="s"/>
   <arg name="value" direction="in" type="v"/>
  </method>
  <signal name="PropertiesChanged">
   <arg type="s" name="interface_name"/>
   <arg type="a{sv}" name="changed_properties"/>
   <arg type="as" name="invalidated_properties"/>
  </signal>
 </interface>
`;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function args(signature: string | undefined, names: string[] | undefined, direction: 'in' | 'out' | undefined): string {
  return parseSignature(signature ?? '')
    .map((t, i) => {
      const name = names?.[i] !== undefined ? ` name="${escape(names[i]!)}"` : '';
      const dir = direction ? ` direction="${direction}"` : '';
      return `   <arg type="${escape(formatType(t))}"${name}${dir}/>\n`;
    })
    .join('');
}

/**
 * The XML for an object with `spec` and child nodes `children`; `withStandard` adds Peer,
 * Introspectable and Properties (objects that exist; pure parent nodes only list children).
 */
export function introspectionXml(spec: ObjectSpec, children: string[], withStandard = true): string {
  let xml = DOCTYPE + '<node>\n' + (withStandard ? STANDARD : '');
  for (const [name, i] of Object.entries(spec)) {
    xml += ` <interface name="${escape(name)}">\n`;
    for (const [m, method] of Object.entries(i.methods ?? {})) {
      const body = args(method.inSignature, method.inNames, 'in') + args(method.outSignature, method.outNames, 'out');
      xml += body ? `  <method name="${m}">\n${body}  </method>\n` : `  <method name="${m}"/>\n`;
    }
    for (const [s, signal] of Object.entries(i.signals ?? {})) {
      const body = args(signal.signature, signal.names, undefined);
      xml += body ? `  <signal name="${s}">\n${body}  </signal>\n` : `  <signal name="${s}"/>\n`;
    }
    for (const [p, prop] of Object.entries(i.properties ?? {})) {
      const access = prop.get && prop.set ? 'readwrite' : prop.set ? 'write' : 'read';
      const emits = prop.emitsChange && prop.emitsChange !== 'true';
      xml += `  <property name="${p}" type="${escape(prop.signature)}" access="${access}"`;
      xml += emits
        ? `>\n   <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="${prop.emitsChange}"/>\n  </property>\n`
        : '/>\n';
    }
    xml += ' </interface>\n';
  }
  for (const c of children) xml += ` <node name="${escape(c)}"/>\n`;
  return xml + '</node>\n';
}
